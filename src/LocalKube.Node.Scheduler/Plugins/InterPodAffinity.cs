using LocalKube.Node.Scheduler.Framework;

namespace LocalKube.Node.Scheduler.Plugins;

/// <summary>
/// Required pod affinity and anti-affinity (the incoming pod's, and existing pods' anti-affinity against it),
/// counted per topology domain as upstream; scores preferred terms both ways.
/// </summary>
public sealed class InterPodAffinity : SchedulerPlugin
{
    /// <summary>Upstream's reason when required affinity finds no matching pod in the node's domain.</summary>
    public const string AffinityReason = "node(s) didn't match pod affinity rules";

    /// <summary>Upstream's reason when the pod's own anti-affinity matches pods in the node's domain.</summary>
    public const string AntiAffinityReason = "node(s) didn't match pod anti-affinity rules";

    /// <summary>Upstream's reason when an existing pod's anti-affinity rejects the incoming pod.</summary>
    public const string ExistingAntiAffinityReason = "node(s) didn't satisfy existing pods anti-affinity rules";

    private const string StateKey = "PreFilterInterPodAffinity";
    private const string ScoreKey = "PreScoreInterPodAffinity";

    // Upstream's hardPodAffinityWeight: an existing pod's required affinity also attracts the pods it selects.
    private const int HardPodAffinityWeight = 1;

    /// <inheritdoc />
    public override string Name => "InterPodAffinity";

    /// <inheritdoc />
    public override int ScoreWeight => 2;

    /// <inheritdoc />
    public override ClusterEvents Events =>
        ClusterEvents.NodeAdd | ClusterEvents.NodeLabel | ClusterEvents.AssignedPodAdd | ClusterEvents.AssignedPodDelete
        | ClusterEvents.AssignedPodLabel | ClusterEvents.NamespaceLabel | ClusterEvents.PodUpdate;

    /// <inheritdoc />
    public override PreFilterResult PreFilter(CycleState state, PodInfo pod, ClusterSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(snapshot);
        var ns = snapshot.Listers.NamespaceLabels;
        var hasOwn = pod.RequiredAffinityTerms.Count > 0 || pod.RequiredAntiAffinityTerms.Count > 0;
        if (!hasOwn && snapshot.Nodes.All(n => n.PodsWithRequiredAntiAffinity.Count == 0))
        {
            return PreFilterResult.Skip;
        }

        var counts = new Counts();
        foreach (var node in snapshot.Nodes)
        {
            foreach (var existing in node.PodsWithRequiredAntiAffinity)
            {
                foreach (var term in existing.RequiredAntiAffinityTerms)
                {
                    if (term.Matches(pod, ns))
                    {
                        Count(counts.ExistingAnti, node, term.TopologyKey);
                    }
                }
            }

            if (!hasOwn)
            {
                continue;
            }

            foreach (var existing in node.Pods)
            {
                if (pod.RequiredAffinityTerms.Count > 0 && pod.RequiredAffinityTerms.All(t => t.Matches(existing, ns)))
                {
                    foreach (var term in pod.RequiredAffinityTerms)
                    {
                        Count(counts.Affinity, node, term.TopologyKey);
                    }
                }

                foreach (var term in pod.RequiredAntiAffinityTerms)
                {
                    if (term.Matches(existing, ns))
                    {
                        Count(counts.Anti, node, term.TopologyKey);
                    }
                }
            }
        }

        counts.SelfMatchesAll = pod.RequiredAffinityTerms.All(t => t.Matches(pod, ns));
        state.Write(StateKey, counts);
        return PreFilterResult.Continue;
    }

    /// <inheritdoc />
    public override PluginStatus? Filter(CycleState state, PodInfo pod, NodeInfo node)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(node);
        var counts = state.Read<Counts>(StateKey);
        if (counts is null)
        {
            return null;
        }

        var labels = node.Labels;
        if (!SatisfiesAffinity(counts, pod, labels))
        {
            return PluginStatus.Unresolvable(AffinityReason);
        }

        foreach (var term in pod.RequiredAntiAffinityTerms)
        {
            if (labels is not null && labels.TryGetValue(term.TopologyKey, out var v) && counts.Anti.GetValueOrDefault((term.TopologyKey, v)) > 0)
            {
                return PluginStatus.Unschedulable(AntiAffinityReason);
            }
        }

        if (counts.ExistingAnti.Count > 0 && labels is not null)
        {
            foreach (var (k, v) in labels)
            {
                if (counts.ExistingAnti.GetValueOrDefault((k, v)) > 0)
                {
                    return PluginStatus.Unschedulable(ExistingAntiAffinityReason);
                }
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
        var hasPreferred = pod.PreferredAffinityTerms.Count > 0 || pod.PreferredAntiAffinityTerms.Count > 0;
        if (!hasPreferred && snapshot.Nodes.All(n => n.PodsWithAffinity.Count == 0))
        {
            return false;
        }

        var ns = snapshot.Listers.NamespaceLabels;
        var scores = new Dictionary<(string, string), long>();
        foreach (var node in snapshot.Nodes)
        {
            var candidates = hasPreferred ? node.Pods : (IReadOnlyCollection<PodInfo>)node.PodsWithAffinity;
            foreach (var existing in candidates)
            {
                foreach (var term in pod.PreferredAffinityTerms)
                {
                    Add(scores, node, term, term.Matches(existing, ns), term.Weight);
                }

                foreach (var term in pod.PreferredAntiAffinityTerms)
                {
                    Add(scores, node, term, term.Matches(existing, ns), -term.Weight);
                }

                if (!existing.HasAffinity)
                {
                    continue;
                }

                foreach (var term in existing.RequiredAffinityTerms)
                {
                    Add(scores, node, term, term.Matches(pod, ns), HardPodAffinityWeight);
                }

                foreach (var term in existing.PreferredAffinityTerms)
                {
                    Add(scores, node, term, term.Matches(pod, ns), term.Weight);
                }

                foreach (var term in existing.PreferredAntiAffinityTerms)
                {
                    Add(scores, node, term, term.Matches(pod, ns), -term.Weight);
                }
            }
        }

        state.Write(ScoreKey, scores);
        return scores.Count > 0;
    }

    /// <inheritdoc />
    public override long Score(CycleState state, PodInfo pod, NodeInfo node)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(node);
        var scores = state.Read<Dictionary<(string, string), long>>(ScoreKey);
        if (scores is null || scores.Count == 0 || node.Labels is null)
        {
            return 0;
        }

        long score = 0;
        foreach (var (k, v) in node.Labels)
        {
            score += scores.GetValueOrDefault((k, v));
        }

        return score;
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
        var diff = scores.Max() - min;
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = diff > 0 ? MaxNodeScore * (scores[i] - min) / diff : 0;
        }
    }

    private static bool SatisfiesAffinity(Counts counts, PodInfo pod, IDictionary<string, string>? labels)
    {
        var podsExist = true;
        foreach (var term in pod.RequiredAffinityTerms)
        {
            if (labels is null || !labels.TryGetValue(term.TopologyKey, out var v))
            {
                // The node is not in any domain of the term: it can never satisfy it.
                return false;
            }

            if (counts.Affinity.GetValueOrDefault((term.TopologyKey, v)) <= 0)
            {
                podsExist = false;
            }
        }

        // The first pod of a group that selects itself may go anywhere no matching pod exists yet.
        return podsExist || (counts.Affinity.Count == 0 && counts.SelfMatchesAll);
    }

    private static void Count(Dictionary<(string, string), int> counts, NodeInfo node, string topologyKey)
    {
        if (node.Labels is not null && node.Labels.TryGetValue(topologyKey, out var value))
        {
            counts[(topologyKey, value)] = counts.GetValueOrDefault((topologyKey, value)) + 1;
        }
    }

    private static void Add(Dictionary<(string, string), long> scores, NodeInfo node, AffinityTerm term, bool matches, long weight)
    {
        if (matches && weight != 0 && node.Labels is not null && node.Labels.TryGetValue(term.TopologyKey, out var value))
        {
            scores[(term.TopologyKey, value)] = scores.GetValueOrDefault((term.TopologyKey, value)) + weight;
        }
    }

    private sealed class Counts
    {
        public Dictionary<(string, string), int> ExistingAnti { get; } = [];

        public Dictionary<(string, string), int> Affinity { get; } = [];

        public Dictionary<(string, string), int> Anti { get; } = [];

        public bool SelfMatchesAll { get; set; }
    }
}
