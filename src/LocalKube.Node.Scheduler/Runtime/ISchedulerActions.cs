using k8s.Models;

namespace LocalKube.Node.Scheduler.Runtime;

/// <summary>
/// What the scheduler does to the cluster, all through the API with its own identity: bindings, pod status, the
/// volume binding steps, preemption, and events (events.k8s.io/v1, as kube-scheduler writes them).
/// </summary>
public interface ISchedulerActions
{
    /// <summary><c>POST pods/&lt;name&gt;/binding</c> to <paramref name="node"/> (with the pod's UID as precondition).</summary>
    Task BindAsync(V1Pod pod, string node, CancellationToken cancellationToken);

    /// <summary>Patches the pod's status to <paramref name="status"/> (condition and nominatedNodeName).</summary>
    Task PatchPodStatusAsync(V1Pod pod, V1PodStatus status, CancellationToken cancellationToken);

    /// <summary>Deletes a preemption victim (default grace period).</summary>
    Task DeletePodAsync(V1Pod pod, CancellationToken cancellationToken);

    /// <summary>Writes a PersistentVolume the scheduler pre-bound to a claim.</summary>
    Task UpdateVolumeAsync(V1PersistentVolume volume, CancellationToken cancellationToken);

    /// <summary>Writes a claim the scheduler annotated with its selected node.</summary>
    Task UpdateClaimAsync(V1PersistentVolumeClaim claim, CancellationToken cancellationToken);

    /// <summary>
    /// Waits until every claim in <paramref name="claims"/> is Bound; false when <paramref name="timeout"/> passes
    /// first.
    /// </summary>
    Task<bool> WaitForClaimsBoundAsync(IReadOnlyList<(string Namespace, string Name)> claims, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>The pod as the informer has it now (null when deleted).</summary>
    V1Pod? CurrentPod(string ns, string name);

    /// <summary>Records an event about <paramref name="regarding"/>.</summary>
    void Event(V1Pod regarding, V1Pod? related, string type, string reason, string action, string note);
}
