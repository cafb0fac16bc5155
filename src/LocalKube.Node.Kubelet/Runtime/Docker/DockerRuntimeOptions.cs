namespace LocalKube.Node.Kubelet.Runtime.Docker;

/// <summary>Settings of the Docker runtime (from <c>--extra-config kubelet.*</c>).</summary>
public sealed record DockerRuntimeOptions
{
    /// <summary>The node's own engine.</summary>
    public Uri Endpoint { get; init; } = new("unix:///var/run/docker.sock");

    /// <summary>The sandbox ("pause") image, as cri-dockerd's default.</summary>
    public string SandboxImage { get; init; } = "registry.k8s.io/pause:3.10";

    /// <summary>A <c>docker save</c> archive of <see cref="SandboxImage"/> that the node image carries, loaded when missing.</summary>
    public string SandboxImageArchive { get; init; } = "/usr/share/localkube/images/pause.tar";

    /// <summary>The Docker network pods join: a bridge over <see cref="PodCidr"/>, created when missing.</summary>
    public string PodNetwork { get; init; } = "localkube-pods";

    /// <summary>The pod network's Linux bridge name.</summary>
    public string BridgeName { get; init; } = "localkube0";

    /// <summary>Pod addresses (minikube's bridge CNI range).</summary>
    public string PodCidr { get; init; } = "10.244.0.0/16";

    /// <summary>The bridge's own address (the pods' gateway).</summary>
    public string PodGateway { get; init; } = "10.244.0.1";

    /// <summary>
    /// Rotate a container's log at this size (json-file <c>max-size</c>), upstream's 10 MiB. In bytes: the engine
    /// reads "10m" (and "10Mi") as decimal megabytes, 10,000,000.
    /// </summary>
    public string LogMaxSize { get; init; } = "10485760";

    /// <summary>Keep this many log files per container (json-file <c>max-file</c>), upstream's 5.</summary>
    public int LogMaxFiles { get; init; } = 5;

    /// <summary>A pull that takes longer fails (ErrImagePull) instead of hanging.</summary>
    public TimeSpan PullTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Any other engine request that takes longer fails.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Attempts for a request that failed transiently (first try included).</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>The first retry delay; doubled each time, with jitter, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The lowest <c>oom_score_adj</c> containers get; null: found from this process (see <see cref="OomScoreFloor"/>).
    /// </summary>
    public int? OomScoreAdjFloor { get; init; }

    /// <summary>The longest retry delay.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(2);
}
