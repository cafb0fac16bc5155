using k8s.Models;
using LocalKube.Node.Machinery.Scheduling;
using LocalKube.Node.Scheduler.Framework;

namespace LocalKube.Node.Scheduler.Plugins;

/// <summary>
/// Rejects nodes with a NoSchedule or NoExecute taint the pod does not tolerate; prefers nodes with fewer
/// untolerated PreferNoSchedule taints.
/// </summary>
public sealed class TaintToleration : SchedulerPlugin
{
    private const string StateKey = "PreScoreTaintToleration";

    /// <inheritdoc />
    public override string Name => "TaintToleration";

    /// <inheritdoc />
    public override int ScoreWeight => 3;

    /// <inheritdoc />
    public override ClusterEvents Events => ClusterEvents.NodeAdd | ClusterEvents.NodeTaint | ClusterEvents.PodUpdate;

    /// <summary>Upstream's reason for an untolerated taint: <c>node(s) had untolerated taint {key: value}</c>.</summary>
    public static string Reason(V1Taint taint)
    {
        ArgumentNullException.ThrowIfNull(taint);
        return $"node(s) had untolerated taint {{{taint.Key}: {taint.Value}}}";
    }

    /// <inheritdoc />
    public override PluginStatus? Filter(CycleState state, PodInfo pod, NodeInfo node)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(node);
        var taint = Tolerations.FindUntolerated(node.Node?.Spec?.Taints, pod.Pod.Spec?.Tolerations, t => t.Effect is "NoSchedule" or "NoExecute");
        return taint is null ? null : PluginStatus.Unresolvable(Reason(taint));
    }

    /// <inheritdoc />
    public override bool PreScore(CycleState state, PodInfo pod, IReadOnlyList<NodeInfo> nodes, ClusterSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(nodes);
        if (!nodes.Any(n => n.Node?.Spec?.Taints?.Any(t => t.Effect == "PreferNoSchedule") == true))
        {
            // Every node scores the same.
            return false;
        }

        state.Write(StateKey, (pod.Pod.Spec?.Tolerations ?? []).Where(t => string.IsNullOrEmpty(t.Effect) || t.Effect == "PreferNoSchedule").ToList());
        return true;
    }

    /// <inheritdoc />
    public override long Score(CycleState state, PodInfo pod, NodeInfo node)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(node);
        var tolerations = state.Read<List<V1Toleration>>(StateKey) ?? [];
        long count = 0;
        foreach (var taint in node.Node?.Spec?.Taints ?? [])
        {
            if (taint.Effect == "PreferNoSchedule" && !Tolerations.AnyTolerates(tolerations, taint))
            {
                count++;
            }
        }

        return count;
    }

    /// <inheritdoc />
    public override void NormalizeScores(CycleState state, PodInfo pod, long[] scores) => DefaultNormalize(scores, reverse: true);
}
