namespace LocalKube.Core.Cluster;

/// <summary>One answer of <c>/readyz?verbose</c> (or none).</summary>
/// <param name="Answered">Whether the API server answered at all.</param>
/// <param name="Ready">Whether every readiness check passed (HTTP 200).</param>
/// <param name="Body">The per-check lines (<c>[+]name ok</c> / <c>[-]name failed: …</c>); empty when unanswered.</param>
public sealed record ApiServerReadiness(bool Answered, bool Ready, string Body)
{
    /// <summary>No answer (refused, timed out, wrong certificate).</summary>
    public static ApiServerReadiness Unreachable { get; } = new(false, false, "");

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

            foreach (var line in Body.Split('\n'))
            {
                if (line.StartsWith("[+]kubelet ", StringComparison.Ordinal))
                {
                    return ClusterStatus.Running;
                }

                if (line.StartsWith("[-]kubelet ", StringComparison.Ordinal))
                {
                    return ClusterStatus.Stopped;
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

            if (!Answered)
            {
                return false;
            }

            var failed = false;
            foreach (var line in Body.Split('\n'))
            {
                if (!line.StartsWith("[-]", StringComparison.Ordinal))
                {
                    continue;
                }

                failed = true;
                if (!line.StartsWith("[-]kubelet ", StringComparison.Ordinal) && !line.StartsWith("[-]container-runtime ", StringComparison.Ordinal))
                {
                    return false;
                }
            }

            return failed;
        }
    }
}
