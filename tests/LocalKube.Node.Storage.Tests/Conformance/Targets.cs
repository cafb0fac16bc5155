using LocalKube.Testing;

namespace LocalKube.Node.Storage.Tests.Conformance;

/// <summary>
/// Starts targets. The shared ones (one per kind) live for the whole run and are stopped by <see cref="TargetsTeardown"/>;
/// tests that need a store of their own (quota, restart) start a private one.
/// </summary>
public static class Targets
{
    private static readonly Dictionary<TargetKind, Task<StoreTarget>> Shared = [];
    private static readonly object Gate = new();

    /// <summary>Progress notifications every second on every target, so tests can wait for one.</summary>
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);

    public static Task<StoreTarget> SharedAsync(TargetKind kind)
    {
        lock (Gate)
        {
            if (!Shared.TryGetValue(kind, out var task))
            {
                task = StartAsync(kind, quotaBytes: null, CancellationToken.None);
                Shared[kind] = task;
            }

            return task;
        }
    }

    public static async Task StopSharedAsync()
    {
        List<Task<StoreTarget>> all;
        lock (Gate)
        {
            all = [.. Shared.Values];
            Shared.Clear();
        }

        foreach (var task in all)
        {
            if (task.IsCompletedSuccessfully)
            {
                await task.Result.DisposeAsync();
            }
        }
    }

    public static Task<StoreTarget> StartAsync(TargetKind kind, long? quotaBytes, CancellationToken ct) => kind switch
    {
        TargetKind.Embedded => StartEmbeddedAsync(quotaBytes, ct),
        TargetKind.EmbeddedGrpc => GrpcTargets.StartEmbeddedServerAsync(quotaBytes, ct),
        _ => EtcdProcess.StartTargetAsync(quotaBytes, ct),
    };

    private static async Task<StoreTarget> StartEmbeddedAsync(long? quotaBytes, CancellationToken ct)
    {
        var folder = new TempDirectory("lk-store");
        var store = await EmbeddedKeyValueStore.OpenAsync(Options(folder.Path, quotaBytes), ct);
        return new StoreTarget(TargetKind.Embedded, store, folder, () => ValueTask.CompletedTask);
    }

    public static StoreOptions Options(string path, long? quotaBytes) => new()
    {
        DataDirectory = path,
        QuotaBackendBytes = quotaBytes ?? 2L * 1024 * 1024 * 1024,
        ProgressNotifyInterval = ProgressInterval,
    };
}
