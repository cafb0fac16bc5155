namespace LocalKube.Cli.Output;

/// <summary>
/// An IProgress that reports on the caller's thread, in order. <see cref="Progress{T}"/> posts to the thread pool,
/// which can reorder lines and print them after the step has finished.
/// </summary>
public sealed class SyncProgress(Action<string> report) : IProgress<string>
{
    private readonly Lock _gate = new();

    public void Report(string value)
    {
        lock (_gate)
        {
            report(value);
        }
    }
}
