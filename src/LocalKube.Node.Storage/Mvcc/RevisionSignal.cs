namespace LocalKube.Node.Storage.Mvcc;

/// <summary>
/// Wakes every waiting watcher when a new revision becomes durable. A waiter takes <see cref="Next"/> before it
/// checks the revision, so a change between the check and the wait is never missed.
/// </summary>
internal sealed class RevisionSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Next => Volatile.Read(ref _next).Task;

    public void Pulse()
    {
        var old = Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        old.TrySetResult();
    }
}
