using k8s.Models;

namespace LocalKube.Node.Scheduler.Framework;

/// <summary>
/// What must happen to a pod's WaitForFirstConsumer claims before it is bound to the chosen node: existing volumes
/// to pre-bind (their claimRef set by the scheduler) and claims to provision there (annotated with the node).
/// </summary>
/// <param name="StaticBindings">Claims and the available volume each gets.</param>
/// <param name="Provisions">Claims left to the provisioner on the node.</param>
/// <param name="Claims">Every claim of the pod (ns, name), all of which must be Bound before the pod is.</param>
public sealed record VolumePlan(
    IReadOnlyList<(V1PersistentVolumeClaim Claim, V1PersistentVolume Volume)> StaticBindings,
    IReadOnlyList<V1PersistentVolumeClaim> Provisions,
    IReadOnlyList<(string Namespace, string Name)> Claims)
{
    /// <summary>Whether nothing needs doing before the bind.</summary>
    public bool IsEmpty => StaticBindings.Count == 0 && Provisions.Count == 0;
}
