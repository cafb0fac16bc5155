using System.Globalization;
using k8s.Models;
using LocalKube.Node.Controllers.Shared;

namespace LocalKube.Node.Controllers.ReplicaSet;

/// <summary>
/// Upstream's <c>ActivePodsWithRanks</c>: the order in which a ReplicaSet deletes pods on scale-down, first pod
/// first. LogarithmicScaleDown is on (ready time and age compare in powers-of-two buckets, ties by UID).
/// </summary>
public sealed class PodRanking : IComparer<V1Pod>
{
    /// <summary>The annotation that lowers or raises a pod's deletion cost.</summary>
    public const string DeletionCostAnnotation = "controller.kubernetes.io/pod-deletion-cost";

    private readonly Dictionary<V1Pod, int> _ranks;
    private readonly DateTime _now;

    /// <summary>
    /// Ranks <paramref name="pods"/>; a pod's rank is the number of active <paramref name="related"/> pods (same
    /// owner, or siblings under the same Deployment) on its node.
    /// </summary>
    public PodRanking(IEnumerable<V1Pod> pods, IEnumerable<V1Pod> related, DateTime now)
    {
        var onNode = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var pod in related)
        {
            if (PodState.IsActive(pod))
            {
                var node = pod.Spec?.NodeName ?? "";
                onNode[node] = onNode.GetValueOrDefault(node) + 1;
            }
        }

        _ranks = new Dictionary<V1Pod, int>(ReferenceEqualityComparer.Instance);
        foreach (var pod in pods)
        {
            _ranks[pod] = onNode.GetValueOrDefault(pod.Spec?.NodeName ?? "");
        }

        _now = now;
    }

    /// <summary>The first <paramref name="count"/> pods to delete.</summary>
    public static List<V1Pod> PodsToDelete(IReadOnlyList<V1Pod> pods, IEnumerable<V1Pod> related, int count, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(pods);
        if (count >= pods.Count)
        {
            return pods.ToList();
        }

        var ranking = new PodRanking(pods, related, now);
        return pods.OrderBy(p => p, ranking).Take(count).ToList();
    }

    /// <inheritdoc />
    public int Compare(V1Pod? x, V1Pod? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : -1) : 1;
        }

        return Less(x, y) ? -1 : Less(y, x) ? 1 : 0;
    }

    private bool Less(V1Pod a, V1Pod b)
    {
        var nodeA = a.Spec?.NodeName ?? "";
        var nodeB = b.Spec?.NodeName ?? "";
        if (nodeA != nodeB && (nodeA.Length == 0 || nodeB.Length == 0))
        {
            return nodeA.Length == 0;
        }

        var phaseA = PhaseOrdinal(a);
        var phaseB = PhaseOrdinal(b);
        if (phaseA != phaseB)
        {
            return phaseA < phaseB;
        }

        var readyA = PodState.IsReady(a);
        var readyB = PodState.IsReady(b);
        if (readyA != readyB)
        {
            return !readyA;
        }

        var costA = DeletionCost(a);
        var costB = DeletionCost(b);
        if (costA != costB)
        {
            return costA < costB;
        }

        var rankA = _ranks.GetValueOrDefault(a);
        var rankB = _ranks.GetValueOrDefault(b);
        if (rankA != rankB)
        {
            return rankA > rankB;
        }

        if (readyA && readyB)
        {
            var timeA = ReadyTime(a);
            var timeB = ReadyTime(b);
            if (timeA != timeB)
            {
                return Newer(timeA, timeB, a, b);
            }
        }

        var restarts = CompareRestarts(a, b);
        if (restarts is { } r)
        {
            return r;
        }

        var createdA = a.Metadata?.CreationTimestamp;
        var createdB = b.Metadata?.CreationTimestamp;
        if (createdA != createdB)
        {
            return Newer(createdA, createdB, a, b);
        }

        return false;
    }

    // afterOrZero, or with LogarithmicScaleDown the log2(age) buckets and then the UID.
    private bool Newer(DateTime? ta, DateTime? tb, V1Pod a, V1Pod b)
    {
        if (ta is null || tb is null)
        {
            return ta is null;
        }

        var diff = LogRank(ta.Value) - LogRank(tb.Value);
        if (diff == 0)
        {
            return string.CompareOrdinal(a.Metadata?.Uid, b.Metadata?.Uid) < 0;
        }

        return diff < 0;
    }

    // int64(log2(nanoseconds since t)), -1 for no age.
    private long LogRank(DateTime t)
    {
        var nanos = (_now - t.ToUniversalTime()).Ticks * 100.0;
        return nanos > 0 ? (long)Math.Log2(nanos) : -1;
    }

    private static DateTime? ReadyTime(V1Pod pod) =>
        PodState.ReadyCondition(pod) is { Status: "True" } c ? c.LastTransitionTime?.ToUniversalTime() : null;

    private static int PhaseOrdinal(V1Pod pod) => PodState.Phase(pod) switch
    {
        "Pending" => 0,
        "Unknown" => 1,
        "Running" => 2,
        _ => 0,
    };

    /// <summary>The pod's deletion cost (0 when unset or not an int32).</summary>
    public static int DeletionCost(V1Pod pod) =>
        pod.Metadata?.Annotations is { } a && a.TryGetValue(DeletionCostAnnotation, out var v)
            && int.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : 0;

    // Higher max restarts of regular containers first, then of sidecars (restartable init containers).
    private static bool? CompareRestarts(V1Pod a, V1Pod b)
    {
        var (regularA, sidecarA) = MaxRestarts(a);
        var (regularB, sidecarB) = MaxRestarts(b);
        if (regularA != regularB)
        {
            return regularA > regularB;
        }

        return sidecarA != sidecarB ? sidecarA > sidecarB : null;
    }

    private static (int Regular, int Sidecar) MaxRestarts(V1Pod pod)
    {
        var regular = pod.Status?.ContainerStatuses?.Select(c => c.RestartCount).DefaultIfEmpty(0).Max() ?? 0;
        var sidecars = pod.Spec?.InitContainers?.Where(c => c.RestartPolicy == "Always").Select(c => c.Name).ToHashSet() ?? [];
        var sidecar = pod.Status?.InitContainerStatuses?.Where(c => sidecars.Contains(c.Name)).Select(c => c.RestartCount).DefaultIfEmpty(0).Max() ?? 0;
        return (regular, sidecar);
    }
}
