namespace LocalKube.Core.Cluster;

/// <summary>One numbered step of a multi-step operation such as <c>start</c>.</summary>
public sealed record StepInfo(int Current, int Total, string Name);

/// <summary>
/// Where lifecycle operations report what they do. The CLI renders it as a spinner on a TTY, plain lines elsewhere,
/// or one JSON event per line with <c>-o json</c>. Core never writes to the console itself.
/// </summary>
public interface IStepReporter
{
    /// <summary>Runs <paramref name="work"/> as <paramref name="step"/>, reporting its start, progress lines and duration.</summary>
    Task<T> StepAsync<T>(StepInfo step, Func<IProgress<string>, CancellationToken, Task<T>> work, CancellationToken cancellationToken);

    /// <summary>A line of information for the user.</summary>
    void Info(string message);

    /// <summary>Something the user should know that does not stop the operation.</summary>
    void Warning(string message);
}

/// <summary>Extensions that keep call sites short.</summary>
public static class StepReporterExtensions
{
    /// <summary>Runs a step that returns nothing.</summary>
    public static Task StepAsync(this IStepReporter reporter, StepInfo step, Func<IProgress<string>, CancellationToken, Task> work, CancellationToken cancellationToken) =>
        reporter.StepAsync<bool>(step, async (progress, ct) =>
        {
            await work(progress, ct);
            return true;
        }, cancellationToken);
}
