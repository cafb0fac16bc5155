using k8s.Models;

namespace LocalKube.Node.Kubelet.Status;

/// <summary>What a pod's status is computed from.</summary>
public sealed record PodStatusInput
{
    /// <summary>The pod as the kubelet knows it: spec, metadata, and the status the API server holds.</summary>
    public required V1Pod Pod { get; init; }

    /// <summary>The status the kubelet computed last (the status manager's), or null: then the API's is used.</summary>
    public V1PodStatus? Previous { get; init; }

    /// <summary>The runtime's view of the pod.</summary>
    public required PodRuntimeStatus Runtime { get; init; }

    /// <summary>The runtime type, the scheme of container IDs.</summary>
    public string RuntimeType { get; init; } = "docker";

    /// <summary>Cached start failures by container name.</summary>
    public IReadOnlyDictionary<string, WaitingReason> WaitingReasons { get; init; } = new Dictionary<string, WaitingReason>();

    /// <summary>Probe results.</summary>
    public required IProbeStatus Probes { get; init; }

    /// <summary>The pod is in its final termination: its containers will not run again.</summary>
    public bool PodIsTerminal { get; init; }

    /// <summary>The node's IPs.</summary>
    public IReadOnlyList<string> HostIps { get; init; } = [];

    /// <summary>Now, for transition times and the start time.</summary>
    public DateTimeOffset Now { get; init; }
}
