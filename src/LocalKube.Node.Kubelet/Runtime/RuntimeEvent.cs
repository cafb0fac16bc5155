namespace LocalKube.Node.Kubelet.Runtime;

/// <summary>A container lifecycle event, tagged with the pod it belongs to (sandboxes included).</summary>
/// <param name="ContainerId">The container (or sandbox) ID.</param>
/// <param name="PodUid">The pod UID from its labels; empty for containers the kubelet does not manage.</param>
/// <param name="Kind">What happened.</param>
public sealed record RuntimeEvent(string ContainerId, string PodUid, RuntimeEventKind Kind);
