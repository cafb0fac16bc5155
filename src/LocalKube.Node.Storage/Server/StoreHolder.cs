namespace LocalKube.Node.Storage.Server;

/// <summary>
/// The store as the gRPC services see it. The server starts listening while the store is still loading, so the
/// first calls (and the JIT of the whole request path) overlap the load; calls wait here until it is open.
/// </summary>
internal sealed class StoreHolder
{
    private readonly TaskCompletionSource<EmbeddedKeyValueStore> _store = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Open(EmbeddedKeyValueStore store) => _store.TrySetResult(store);

    public void Fail(Exception error) => _store.TrySetException(error);

    public Task<EmbeddedKeyValueStore> GetAsync(CancellationToken ct) =>
        _store.Task.IsCompletedSuccessfully ? _store.Task : _store.Task.WaitAsync(ct);
}
