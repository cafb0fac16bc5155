namespace LocalKube.Node.Kubelet.Runtime;

/// <summary>The outcome of <see cref="IContainerRuntime.ExecSyncAsync"/>.</summary>
/// <param name="ExitCode">The command's exit code (-1 when it timed out).</param>
/// <param name="Stdout">Standard output, capped.</param>
/// <param name="Stderr">Standard error, capped.</param>
/// <param name="TimedOut">The command did not finish within the timeout.</param>
public sealed record ExecSyncResult(int ExitCode, string Stdout, string Stderr, bool TimedOut = false)
{
    /// <summary>stdout then stderr, as upstream's exec prober combines them.</summary>
    public string CombinedOutput => Stdout + Stderr;
}
