namespace LocalKube.Node.Kubelet.Probes;

/// <summary>The result of one probe run (upstream's <c>probe.Result</c> and its output).</summary>
public enum ProbeVerdict
{
    /// <summary>Passed.</summary>
    Success,

    /// <summary>Passed with a warning (an unfollowed redirect).</summary>
    Warning,

    /// <summary>Failed.</summary>
    Failure,

    /// <summary>The probe itself could not run (not counted toward thresholds).</summary>
    Error,
}

/// <summary>A probe run's verdict and the text upstream puts in events.</summary>
/// <param name="Verdict">The verdict.</param>
/// <param name="Output">The body, command output or error text.</param>
public sealed record ProbeOutcome(ProbeVerdict Verdict, string Output)
{
    /// <summary>A pass.</summary>
    public static ProbeOutcome Success(string output = "") => new(ProbeVerdict.Success, output);

    /// <summary>A failure.</summary>
    public static ProbeOutcome Failure(string output) => new(ProbeVerdict.Failure, output);

    /// <summary>An error of the prober itself.</summary>
    public static ProbeOutcome Error(string output) => new(ProbeVerdict.Error, output);
}
