using k8s.Models;

namespace LocalKube.Node.Controllers.NodeLifecycle;

/// <summary>The outcome of checking one node (upstream's <c>tryUpdateNodeHealth</c> results).</summary>
/// <param name="Observed">The Ready condition as observed before this check (a fake Unknown one if the kubelet never posted).</param>
/// <param name="Current">The Ready condition after it (Unknown once the grace period passed); null when the node has none.</param>
/// <param name="UpdatedStatus">The status to write when conditions were turned Unknown; null when nothing changed.</param>
internal sealed record HealthCheck(V1NodeCondition Observed, V1NodeCondition? Current, V1NodeStatus? UpdatedStatus);
