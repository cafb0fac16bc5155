using k8s.Models;

namespace LocalKube.Node.Controllers.PodGarbageCollector;

/// <summary>
/// Which pods PodGC removes (k/k <c>pkg/controller/podgc/gc_controller.go</c>, 1.32): finished pods beyond the
/// threshold (evicted ones first, then the oldest), pods bound to a node that no longer exists, terminating pods that
/// were never scheduled, and terminating pods on a NotReady node tainted <c>out-of-service</c>.
/// </summary>
internal static class PodGcRules
{
    /// <summary>Upstream's <c>--terminated-pod-gc-threshold</c>.</summary>
    public const int TerminatedThreshold = 12500;

    /// <summary>The condition PodGC puts on a pod of a vanished node before deleting it.</summary>
    public static V1PodCondition OrphanCondition => new()
    {
        Type = "DisruptionTarget", Status = "True", Reason = "DeletionByPodGC", Message = "PodGC: node no longer exists",
    };

    /// <summary>The condition PodGC puts on a terminating pod of an out-of-service node.</summary>
    public static V1PodCondition OutOfServiceCondition => new()
    {
        Type = "DisruptionTarget", Status = "True", Reason = "DeletionByPodGC", Message = "PodGC: node is out of service",
    };

    /// <summary>Whether the pod finished (any phase but Pending, Running and Unknown).</summary>
    public static bool IsTerminated(V1Pod pod) => pod.Status?.Phase is not (null or "" or "Pending" or "Running" or "Unknown");

    /// <summary>The finished pods to delete so that at most <paramref name="threshold"/> remain.</summary>
    public static IReadOnlyList<V1Pod> TerminatedOverThreshold(IEnumerable<V1Pod> pods, int threshold = TerminatedThreshold)
    {
        var terminated = pods.Where(p => IsTerminated(p) && p.Metadata.DeletionTimestamp is null).ToList();
        var excess = terminated.Count - threshold;
        if (excess <= 0)
        {
            return [];
        }

        return terminated
            .OrderByDescending(p => p.Status?.Phase == "Failed" && p.Status.Reason == "Evicted")
            .ThenBy(p => p.Metadata.CreationTimestamp ?? DateTime.MinValue)
            .ThenBy(p => p.Metadata.Name, StringComparer.Ordinal)
            .Take(excess)
            .ToList();
    }

    /// <summary>Terminating pods that never got a node: nothing else would ever finish deleting them.</summary>
    public static bool IsUnscheduledTerminating(V1Pod pod) =>
        pod.Metadata.DeletionTimestamp is not null && string.IsNullOrEmpty(pod.Spec?.NodeName);

    /// <summary>Whether a terminating pod sits on a NotReady node tainted <c>node.kubernetes.io/out-of-service:NoExecute</c>.</summary>
    public static bool IsTerminatingOnOutOfServiceNode(V1Pod pod, V1Node? node) =>
        pod.Metadata.DeletionTimestamp is not null && node is not null
        && node.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") != true
        && node.Spec?.Taints?.Any(t => t.Key == "node.kubernetes.io/out-of-service" && t.Effect == "NoExecute") == true;
}
