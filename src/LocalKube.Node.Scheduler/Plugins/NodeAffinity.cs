using LocalKube.Node.Machinery.Scheduling;
using LocalKube.Node.Scheduler.Framework;

namespace LocalKube.Node.Scheduler.Plugins;

/// <summary>
/// <c>nodeSelector</c> and required node affinity (labels and <c>matchFields metadata.name</c>, which DaemonSet
/// pods use); a PreFilter narrows to the pinned node names; scores preferred terms by weight.
/// </summary>
public sealed class NodeAffinity : SchedulerPlugin
{
    /// <summary>Upstream's reason text.</summary>
    public const string Reason = "node(s) didn't match Pod's node affinity/selector";

    /// <inheritdoc />
    public override string Name => "NodeAffinity";

    /// <inheritdoc />
    public override int ScoreWeight => 2;

    /// <inheritdoc />
    public override ClusterEvents Events => ClusterEvents.NodeAdd | ClusterEvents.NodeLabel | ClusterEvents.PodUpdate;

    /// <summary>Whether <paramref name="pod"/>'s nodeSelector and required affinity accept <paramref name="node"/>.</summary>
    public static bool Accepts(PodInfo pod, NodeInfo node)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(node);
        if (node.Node is null)
        {
            return false;
        }

        var labels = node.Labels;
        foreach (var (key, value) in pod.Pod.Spec?.NodeSelector ?? new Dictionary<string, string>())
        {
            if (labels is null || !labels.TryGetValue(key, out var actual) || actual != value)
            {
                return false;
            }
        }

        var required = pod.Pod.Spec?.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution;
        return required is null || NodeSelectorMatcher.MatchesAny(required.NodeSelectorTerms, node.Node);
    }

    /// <inheritdoc />
    public override PreFilterResult PreFilter(CycleState state, PodInfo pod, ClusterSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (pod.Pod.Spec?.NodeSelector is not { Count: > 0 } && pod.Pod.Spec?.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution is null)
        {
            return PreFilterResult.Skip;
        }

        var names = NodeSelectorMatcher.PinnedNodeNames(pod.Pod.Spec?.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution);
        return names is null ? PreFilterResult.Continue : new PreFilterResult(null, names);
    }

    /// <inheritdoc />
    public override PluginStatus? Filter(CycleState state, PodInfo pod, NodeInfo node) =>
        Accepts(pod, node) ? null : PluginStatus.Unresolvable(Reason);

    /// <inheritdoc />
    public override bool PreScore(CycleState state, PodInfo pod, IReadOnlyList<NodeInfo> nodes, ClusterSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return pod.Pod.Spec?.Affinity?.NodeAffinity?.PreferredDuringSchedulingIgnoredDuringExecution is { Count: > 0 };
    }

    /// <inheritdoc />
    public override long Score(CycleState state, PodInfo pod, NodeInfo node)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(node);
        long score = 0;
        foreach (var term in pod.Pod.Spec?.Affinity?.NodeAffinity?.PreferredDuringSchedulingIgnoredDuringExecution ?? [])
        {
            if (term.Weight != 0 && term.Preference is not null && node.Node is not null && NodeSelectorMatcher.Matches(term.Preference, node.Node))
            {
                score += term.Weight;
            }
        }

        return score;
    }

    /// <inheritdoc />
    public override void NormalizeScores(CycleState state, PodInfo pod, long[] scores) => DefaultNormalize(scores, reverse: false);
}
