using Microsoft.AspNetCore.Builder;

namespace LocalKube.Node.Storage;

/// <summary>A started storage server: its store, the URLs it listens on, and how to stop it.</summary>
public sealed class RunningStorageServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private readonly IDisposable? _ownedLogging;

    private readonly bool _ownsStore;

    internal RunningStorageServer(WebApplication app, EmbeddedKeyValueStore store, IReadOnlyList<string> urls, IDisposable? ownedLogging, bool ownsStore = true)
    {
        _ownsStore = ownsStore;
        _app = app;
        _ownedLogging = ownedLogging;
        Store = store;
        Urls = urls;
    }

    /// <summary>The store being served (in-process access for the node's own API server).</summary>
    public EmbeddedKeyValueStore Store { get; }

    /// <summary>The URLs actually bound, e.g. <c>http://127.0.0.1:40123</c>.</summary>
    public IReadOnlyList<string> Urls { get; }

    public async ValueTask DisposeAsync()
    {
        // Stop taking calls first, then close the store so in-flight writes finish their fsync.
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        if (_ownsStore)
        {
            await Store.DisposeAsync().ConfigureAwait(false);
        }

        _ownedLogging?.Dispose();
    }
}
