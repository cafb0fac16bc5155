namespace LocalKube.Node.Kubelet.Runtime;

/// <summary>What a pod sandbox is made from (the CRI's PodSandboxConfig).</summary>
public sealed record PodSandboxConfig
{
    /// <summary>The pod's identity and the sandbox attempt.</summary>
    public required PodSandboxMetadata Metadata { get; init; }

    /// <summary>The kernel hostname of the pod (spec.hostname or the pod name, at most 63 characters).</summary>
    public string Hostname { get; init; } = "";

    /// <summary>The pod's labels (the sandbox carries them; containers do not).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>The pod's annotations (the simulated runtime reads its timings from them).</summary>
    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();

    /// <summary>Host folder for the pod's logs: <c>/var/log/pods/&lt;ns&gt;_&lt;pod&gt;_&lt;uid&gt;</c>.</summary>
    public string LogDirectory { get; init; } = "";

    /// <summary>Ports to publish on the node (containers' hostPort).</summary>
    public IReadOnlyList<PortMapping> PortMappings { get; init; } = [];

    /// <summary>Share the node's network namespace (hostNetwork).</summary>
    public bool HostNetwork { get; init; }

    /// <summary>Share the node's PID namespace (hostPID).</summary>
    public bool HostPid { get; init; }

    /// <summary>Share the node's IPC namespace (hostIPC).</summary>
    public bool HostIpc { get; init; }

    /// <summary>Containers share one PID namespace with the sandbox (shareProcessNamespace).</summary>
    public bool ShareProcessNamespace { get; init; }

    /// <summary>Namespaced sysctls of the pod (securityContext.sysctls).</summary>
    public IReadOnlyDictionary<string, string> Sysctls { get; init; } = new Dictionary<string, string>();

    /// <summary>The pod's cgroup parent, when the kubelet manages one (empty: the engine's default).</summary>
    public string CgroupParent { get; init; } = "";
}
