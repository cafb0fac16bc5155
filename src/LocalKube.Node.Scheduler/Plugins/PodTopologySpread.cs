using k8s.Models;
using LocalKube.Node.Machinery.Labels;
using LocalKube.Node.Machinery.Scheduling;
using LocalKube.Node.Scheduler.Framework;

namespace LocalKube.Node.Scheduler.Plugins;

/// <summary>
/// <c>topologySpreadConstraints</c>: DoNotSchedule constraints reject nodes where placing the pod would push the
/// skew of matching pods over <c>maxSkew</c> (with minDomains and the node inclusion policies); ScheduleAnyway
/// constraints prefer the emptier domains.
/// </summary>
public sealed class PodTopologySpread : SchedulerPlugin
{
    /// <summary>Upstream's reason when the skew would be exceeded.</summary>
    public const string Reason = "node(s) didn't match pod topology spread constraints";

    /// <summary>Upstream's reason when the node lacks a constraint's topology key.</summary>
    public const string MissingLabelReason = Reason + " (missing required label)";

    private const string StateKey = "PreFilterPodTopologySpread";
    private const string ScoreKey = "PreScorePodTopologySpread";

    /// <inheritdoc />
    public override string Name => "PodTopologySpread";

    /// <inheritdoc />
    public override int ScoreWeight => 2;

    /// <inheritdoc />
    public override ClusterEvents Events =>
        ClusterEvents.NodeAdd | ClusterEvents.NodeLabel | ClusterEvents.NodeTaint | ClusterEvents.AssignedPodAdd
        | ClusterEvents.AssignedPodDelete | ClusterEvents.AssignedPodLabel | ClusterEvents.PodUpdate;

    /// <inheritdoc />
    public override PreFilterResult PreFilter(CycleState state, PodInfo pod, ClusterSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(snapshot);
        var constraints = Constraints(pod, "DoNotSchedule");
        if (constraints.Count == 0)
        {
            return PreFilterResult.Skip;
        }

        state.Write(StateKey, new SpreadState(constraints, CountDomains(pod, constraints, snapshot.Nodes)));
        return PreFilterResult.Continue;
    }

    /// <inheritdoc />
    public override PluginStatus? Filter(CycleState state, PodInfo pod, NodeInfo node)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(node);
        var spread = state.Read<SpreadState>(StateKey);
        if (spread is null)
        {
            return null;
        }

        for (var i = 0; i < spread.Constraints.Count; i++)
        {
            var c = spread.Constraints[i];
            if (node.Labels is null || !node.Labels.TryGetValue(c.TopologyKey, out var value))
            {
                return PluginStatus.Unresolvable(MissingLabelReason);
            }

            var domains = spread.Counts[i];
            var self = c.Selector.Matches(pod.Labels) ? 1 : 0;
            var min = domains.Count < c.MinDomains || domains.Count == 0 ? 0 : domains.Values.Min();
            var skew = domains.GetValueOrDefault(value) + self - min;
            if (skew > c.MaxSkew)
            {
                return PluginStatus.Unschedulable(Reason);
            }
        }

        return null;
    }

    /// <inheritdoc />
    public override bool PreScore(CycleState state, PodInfo pod, IReadOnlyList<NodeInfo> nodes, ClusterSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(snapshot);
        if (pod.Pod.Spec?.TopologySpreadConstraints is not { Count: > 0 })
        {
            return false;
        }

        var constraints = Constraints(pod, "ScheduleAnyway");
        if (constraints.Count == 0)
        {
            return false;
        }

        state.Write(ScoreKey, new SpreadState(constraints, CountDomains(pod, constraints, snapshot.Nodes)));
        return true;
    }

    /// <inheritdoc />
    public override long Score(CycleState state, PodInfo pod, NodeInfo node)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(node);
        var spread = state.Read<SpreadState>(ScoreKey);
        if (spread is null)
        {
            return 0;
        }

        // More matching pods in the node's domains = a worse node; weighted by the log of the domain count as upstream.
        double score = 0;
        for (var i = 0; i < spread.Constraints.Count; i++)
        {
            var c = spread.Constraints[i];
            if (node.Labels is not null && node.Labels.TryGetValue(c.TopologyKey, out var value))
            {
                score += (spread.Counts[i].GetValueOrDefault(value) * Math.Log(spread.Counts[i].Count + 2)) + c.MaxSkew - 1;
            }
        }

        return (long)Math.Round(score);
    }

    /// <inheritdoc />
    public override void NormalizeScores(CycleState state, PodInfo pod, long[] scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (scores.Length == 0)
        {
            return;
        }

        var min = scores.Min();
        var max = scores.Max();
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = max == 0 ? MaxNodeScore : MaxNodeScore * (max + min - scores[i]) / max;
        }
    }

    private static List<Constraint> Constraints(PodInfo pod, string when)
    {
        var list = new List<Constraint>();
        var labels = pod.Labels;
        foreach (var c in pod.Pod.Spec?.TopologySpreadConstraints ?? [])
        {
            if (c.WhenUnsatisfiable != when)
            {
                continue;
            }

            var extra = new List<(string, string, string)>();
            foreach (var key in c.MatchLabelKeys ?? [])
            {
                if (labels is not null && labels.TryGetValue(key, out var v))
                {
                    extra.Add((key, "In", v));
                }
            }

            list.Add(new Constraint(
                c.TopologyKey, c.MaxSkew, c.MinDomains ?? 1, Selectors.With(c.LabelSelector, extra),
                c.NodeAffinityPolicy != "Ignore", c.NodeTaintsPolicy == "Honor"));
        }

        return list;
    }

    private static List<Dictionary<string, int>> CountDomains(PodInfo pod, List<Constraint> constraints, IReadOnlyList<NodeInfo> nodes)
    {
        var counts = constraints.Select(_ => new Dictionary<string, int>(StringComparer.Ordinal)).ToList();
        foreach (var node in nodes)
        {
            var labels = node.Labels;
            if (labels is null || constraints.Any(c => !labels.ContainsKey(c.TopologyKey)))
            {
                continue;
            }

            for (var i = 0; i < constraints.Count; i++)
            {
                var c = constraints[i];
                if ((c.HonorAffinity && !NodeAffinity.Accepts(pod, node))
                    || (c.HonorTaints && Tolerations.FindUntolerated(node.Node?.Spec?.Taints, pod.Pod.Spec?.Tolerations, IsHard) is not null))
                {
                    continue;
                }

                var count = node.Pods.Count(p => p.Pod.Metadata?.DeletionTimestamp is null && p.Namespace == pod.Namespace && c.Selector.Matches(p.Labels));
                var value = labels[c.TopologyKey];
                counts[i][value] = counts[i].GetValueOrDefault(value) + count;
            }
        }

        return counts;
    }

    private static bool IsHard(V1Taint t) => t.Effect is "NoSchedule" or "NoExecute";

    private sealed record Constraint(string TopologyKey, int MaxSkew, int MinDomains, LabelSelector Selector, bool HonorAffinity, bool HonorTaints);

    private sealed record SpreadState(List<Constraint> Constraints, List<Dictionary<string, int>> Counts);
}
