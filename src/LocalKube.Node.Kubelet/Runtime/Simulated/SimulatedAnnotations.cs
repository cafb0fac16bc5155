using System.Globalization;

namespace LocalKube.Node.Kubelet.Runtime.Simulated;

/// <summary>
/// Pod annotations that script the simulated runtime (KWOK-style stages, per pod). Each key may be suffixed with
/// <c>.&lt;container&gt;</c> to apply to one container only; durations are Go-style (<c>1.5s</c>, <c>300ms</c>, <c>2m</c>).
/// </summary>
/// <remarks>
/// Defaults: images are present (except on <c>*.invalid</c> registries, whose pulls fail as an offline pull does),
/// containers start at once and run until stopped, init containers and the containers of Job pods (label
/// <c>batch.kubernetes.io/job-name</c> or <c>job-name</c>) exit 0 at once, a stop exits 0.
/// </remarks>
public static class SimulatedAnnotations
{
    /// <summary>The prefix of every key.</summary>
    public const string Prefix = "simulated.localkube.io/";

    /// <summary>How long a pull takes.</summary>
    public const string PullDelay = Prefix + "pull-delay";

    /// <summary>How long a container takes to start.</summary>
    public const string StartDelay = Prefix + "start-delay";

    /// <summary>How long a container runs before it exits on its own (absent: until stopped).</summary>
    public const string RunDuration = Prefix + "run-duration";

    /// <summary>The exit code when it exits on its own (default 0).</summary>
    public const string ExitCode = Prefix + "exit-code";

    /// <summary>How long a container takes to stop after SIGTERM; beyond the grace period it is killed (137).</summary>
    public const string StopDelay = Prefix + "stop-delay";

    /// <summary>The exit code of exec probes and hooks (default 0).</summary>
    public const string ExecExitCode = Prefix + "exec-exit-code";

    /// <summary>
    /// Probe kinds that fail for a container, comma-separated (<c>liveness</c>, <c>readiness</c>, <c>startup</c>); read
    /// from the pod's current annotations at each probe, so a test flips readiness by annotating the pod.
    /// </summary>
    public const string ProbeFailure = Prefix + "probe-failure";

    /// <summary>
    /// Ports of the pod (comma-separated) on which it echoes what it receives, for port-forward; other ports refuse
    /// connections. Pod-wide only.
    /// </summary>
    public const string EchoPorts = Prefix + "echo-ports";

    /// <summary>A log line is written this often while the container runs (absent: only at start and exit).</summary>
    public const string LogInterval = Prefix + "log-interval";

    /// <summary>The value for <paramref name="key"/> of <paramref name="container"/>: its own entry, else the pod-wide one.</summary>
    public static string? Get(IReadOnlyDictionary<string, string> annotations, string key, string? container)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        if (container is not null && annotations.TryGetValue($"{key}.{container}", out var own))
        {
            return own;
        }

        return annotations.TryGetValue(key, out var pod) ? pod : null;
    }

    /// <summary>A duration value, or null when absent or malformed.</summary>
    public static TimeSpan? Duration(IReadOnlyDictionary<string, string> annotations, string key, string? container) =>
        Get(annotations, key, container) is { } text && GoDuration.TryParse(text, out var d) ? d : null;

    /// <summary>An integer value, or <paramref name="fallback"/>.</summary>
    public static int Int(IReadOnlyDictionary<string, string> annotations, string key, string? container, int fallback) =>
        Get(annotations, key, container) is { } text && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
            ? v
            : fallback;
}
