namespace LocalKube.Core.Cluster;

/// <summary>One answer of <c>/readyz?verbose</c> (or none).</summary>
/// <param name="Answered">Whether the API server answered at all.</param>
/// <param name="Ready">Whether every readiness check passed (HTTP 200).</param>
/// <param name="Body">The per-check lines (<c>[+]name ok</c> / <c>[-]name failed: …</c>); empty when unanswered.</param>
public sealed record ApiServerReadiness(bool Answered, bool Ready, string Body)
{
    // The node's own components: status reports them on their own lines, so their failure is not the API server's.
    private static readonly string[] NodeChecks = ["kubelet", "container-runtime"];

    private IReadOnlyList<(string Name, bool Passed)>? _checks;

    /// <summary>No answer (refused, timed out, wrong certificate).</summary>
    public static ApiServerReadiness Unreachable { get; } = new(false, false, "");

    /// <summary>The checks the body lists, in its order: <c>[+]name ok</c> passed, <c>[-]name failed…</c> did not.</summary>
    public IReadOnlyList<(string Name, bool Passed)> Checks => _checks ??= Parse(Body);

    /// <summary>
    /// The kubelet's state as <c>status</c> shows it: <c>Running</c> when its readiness check passes, <c>Stopped</c> when
    /// it fails or the API server did not answer, and <c>Irrelevant</c> when the agent has no kubelet (no such check).
    /// </summary>
    public string KubeletState
    {
        get
        {
            if (!Answered)
            {
                return ClusterStatus.Stopped;
            }

            foreach (var (name, passed) in Checks)
            {
                if (name == "kubelet")
                {
                    return passed ? ClusterStatus.Running : ClusterStatus.Stopped;
                }
            }

            return ClusterStatus.Irrelevant;
        }
    }

    /// <summary>
    /// Whether the API server itself is ready: every check passed, or the only failing ones are the node's own
    /// components (kubelet, container runtime), which <c>status</c> reports on their own lines.
    /// </summary>
    public bool ApiServerReady
    {
        get
        {
            if (Ready)
            {
                return true;
            }

            var failed = Checks.Where(c => !c.Passed).ToList();
            return Answered && failed.Count > 0 && failed.All(c => NodeChecks.Contains(c.Name));
        }
    }

    /// <summary>Equal answers: the parsed checks are a cache of the body, not part of the value.</summary>
    public bool Equals(ApiServerReadiness? other) =>
        other is not null && Answered == other.Answered && Ready == other.Ready && Body == other.Body;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Answered, Ready, Body);

    private static List<(string Name, bool Passed)> Parse(string body)
    {
        var checks = new List<(string, bool)>();
        foreach (var line in body.Split('\n'))
        {
            if (line.Length > 3 && line[0] == '[' && line[2] == ']' && line[1] is '+' or '-')
            {
                var end = line.IndexOf(' ', 3);
                checks.Add((end < 0 ? line[3..] : line[3..end], line[1] == '+'));
            }
        }

        return checks;
    }
}
