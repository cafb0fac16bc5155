namespace LocalKube.Node.Kubelet.Probes;

/// <summary>The three probe kinds.</summary>
public enum ProbeKind
{
    /// <summary>Restarts the container when it fails.</summary>
    Liveness,

    /// <summary>Decides whether the container is ready.</summary>
    Readiness,

    /// <summary>Holds the other probes back until it passes; restarts the container when it fails.</summary>
    Startup,
}
