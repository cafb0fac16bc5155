namespace LocalKube.Node.Hosting;

/// <summary>
/// The agent's process exit code, decided by the components and returned by <c>Main</c>. Library code never
/// calls <c>Environment.Exit</c>; a failing component records its failure here and stops the host.
/// </summary>
public sealed class NodeExitStatus
{
    /// <summary>Clean stop (SIGTERM or an orderly shutdown).</summary>
    public const int Success = 0;

    /// <summary>A component failed at run time.</summary>
    public const int ComponentFailed = 1;

    /// <summary>Bad command line or configuration.</summary>
    public const int InvalidUsage = 2;

    private int _exitCode;

    /// <summary>The exit code: <see cref="Success"/> unless a failure was reported.</summary>
    public int ExitCode => Volatile.Read(ref _exitCode);

    /// <summary>The first failed component, if any.</summary>
    public NodeComponent? FailedComponent { get; private set; }

    /// <summary>Records a failure. The first one wins: later ones are usually consequences of it.</summary>
    public void ReportFailure(NodeComponent component, int exitCode = ComponentFailed)
    {
        if (exitCode == Success)
        {
            throw new ArgumentOutOfRangeException(nameof(exitCode), "a failure needs a non-zero exit code");
        }

        if (Interlocked.CompareExchange(ref _exitCode, exitCode, Success) == Success)
        {
            FailedComponent = component;
        }
    }
}
