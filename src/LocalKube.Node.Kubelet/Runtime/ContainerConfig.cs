namespace LocalKube.Node.Kubelet.Runtime;

/// <summary>
/// What a container is made from (the CRI's ContainerConfig). <see cref="Command"/> and <see cref="Args"/> are already
/// expanded; null means "the image's" (ENTRYPOINT / CMD), never an empty override.
/// </summary>
public sealed record ContainerConfig
{
    /// <summary>The container's name in the pod and its attempt (restart count).</summary>
    public required ContainerMetadata Metadata { get; init; }

    /// <summary>The image reference to run (already present).</summary>
    public required string Image { get; init; }

    /// <summary>Overrides the image ENTRYPOINT; null keeps it.</summary>
    public IReadOnlyList<string>? Command { get; init; }

    /// <summary>Overrides the image CMD; null keeps it (unless <see cref="Command"/> is set, which drops it).</summary>
    public IReadOnlyList<string>? Args { get; init; }

    /// <summary>The working directory; empty keeps the image's.</summary>
    public string WorkingDir { get; init; } = "";

    /// <summary>The environment, in order (the runtime adds HOSTNAME and the image's ENV).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Env { get; init; } = [];

    /// <summary>Bind mounts from the node into the container.</summary>
    public IReadOnlyList<MountSpec> Mounts { get; init; } = [];

    /// <summary>Identity labels (<c>io.kubernetes.pod.*</c>, <c>io.kubernetes.container.name</c>).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>The kubelet's annotations (hash, restart count, termination message, preStop...), kept by the runtime.</summary>
    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();

    /// <summary>Where the kubelet expects the log: <c>&lt;sandbox log dir&gt;/&lt;container&gt;/&lt;attempt&gt;.log</c>.</summary>
    public string LogPath { get; init; } = "";

    /// <summary>Keep stdin open (spec.stdin).</summary>
    public bool Stdin { get; init; }

    /// <summary>Close stdin after the first attach ends (spec.stdinOnce).</summary>
    public bool StdinOnce { get; init; }

    /// <summary>Allocate a terminal (spec.tty).</summary>
    public bool Tty { get; init; }

    /// <summary>cgroup limits.</summary>
    public ContainerResources Resources { get; init; } = new();

    /// <summary>User, capabilities and the rest of the security context.</summary>
    public ContainerSecurity Security { get; init; } = new();

    /// <summary>A container whose process namespace this one joins (an ephemeral container's target); null: the pod's.</summary>
    public string? PidTarget { get; init; }
}
