using LocalKube.Testing;

namespace LocalKube.Node.Storage.Tests.Conformance;

/// <summary>A running store the suite talks to, and what it needs to clean up.</summary>
public sealed class StoreTarget(TargetKind kind, IKeyValueStore store, TempDirectory folder, Func<ValueTask> stop) : IAsyncDisposable
{
    public TargetKind Kind { get; } = kind;

    public IKeyValueStore Store { get; } = store;

    public TempDirectory Folder { get; } = folder;

    /// <summary>The client URL, for targets reached over gRPC.</summary>
    public string? Url { get; init; }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        await stop();
        Folder.Dispose();
    }
}
