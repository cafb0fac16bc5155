namespace LocalKube.Node.Kubelet.Runtime;

/// <summary>A sandbox as the runtime reports it.</summary>
/// <param name="Id">The runtime's ID.</param>
/// <param name="Metadata">The pod identity and attempt, read back from the sandbox's labels.</param>
/// <param name="State">Ready or not.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="Ip">The pod IP; empty when it has none (stopped, or host network).</param>
/// <param name="Labels">The pod's labels.</param>
/// <param name="Annotations">The kubelet's annotations.</param>
/// <param name="HostNetwork">Whether it shares the node's network.</param>
public sealed record PodSandboxStatus(
    string Id,
    PodSandboxMetadata Metadata,
    PodSandboxState State,
    DateTimeOffset CreatedAt,
    string Ip,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    bool HostNetwork);
