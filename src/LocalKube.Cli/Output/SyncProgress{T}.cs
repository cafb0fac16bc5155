namespace LocalKube.Cli.Output;

/// <summary>
/// An IProgress that reports on the caller's thread, in order. <see cref="Progress{T}"/> posts to the thread pool,
/// which can reorder reports and deliver them after the work has finished.
/// </summary>
public class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    private readonly Lock _gate = new();

    public void Report(T value)
    {
        lock (_gate)
        {
            report(value);
        }
    }
}
