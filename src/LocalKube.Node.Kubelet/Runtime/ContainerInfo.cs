namespace LocalKube.Node.Kubelet.Runtime;

/// <summary>A container in a list: enough to group by pod and pick the newest attempt without inspecting it.</summary>
/// <param name="Id">The runtime's ID.</param>
/// <param name="SandboxId">The sandbox it joined.</param>
/// <param name="Metadata">Its name and attempt.</param>
/// <param name="PodUid">The pod UID (label <c>io.kubernetes.pod.uid</c>).</param>
/// <param name="PodName">The pod name.</param>
/// <param name="PodNamespace">The pod namespace.</param>
/// <param name="Image">The image reference it was created from.</param>
/// <param name="State">Its state.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="Labels">Its identity labels.</param>
/// <param name="Annotations">The kubelet's annotations.</param>
public sealed record ContainerInfo(
    string Id,
    string SandboxId,
    ContainerMetadata Metadata,
    string PodUid,
    string PodName,
    string PodNamespace,
    string Image,
    ContainerState State,
    DateTimeOffset CreatedAt,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations);
