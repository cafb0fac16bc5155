namespace LocalKube.Node.Scheduler.Framework;

/// <summary>A node where the pod fits once <see cref="Victims"/> (lower-priority pods) are gone.</summary>
/// <param name="NodeName">The node to nominate.</param>
/// <param name="Victims">The pods to evict, most important first.</param>
public sealed record PreemptionPlan(string NodeName, IReadOnlyList<PodInfo> Victims);
