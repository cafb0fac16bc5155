using k8s.Models;
using LocalKube.Node.Machinery.Labels;

namespace LocalKube.Node.Scheduler.Framework;

/// <summary>
/// A pod (anti-)affinity term compiled against the namespace of the pod that declares it (kube-scheduler
/// <c>framework.AffinityTerm</c>): no namespaces and no namespaceSelector mean the declaring pod's namespace;
/// <c>matchLabelKeys</c>/<c>mismatchLabelKeys</c> become In/NotIn requirements on the declaring pod's values.
/// </summary>
internal sealed class AffinityTerm
{
    private readonly HashSet<string> _namespaces;
    private readonly LabelSelector _namespaceSelector;
    private readonly LabelSelector _selector;

    private AffinityTerm(HashSet<string> namespaces, LabelSelector namespaceSelector, LabelSelector selector, string topologyKey, int weight)
    {
        _namespaces = namespaces;
        _namespaceSelector = namespaceSelector;
        _selector = selector;
        TopologyKey = topologyKey;
        Weight = weight;
    }

    /// <summary>The node label that defines the topology domain.</summary>
    public string TopologyKey { get; }

    /// <summary>The weight of a preferred term; 0 for a required one.</summary>
    public int Weight { get; }

    /// <summary>Compiles <paramref name="term"/> declared by <paramref name="owner"/>.</summary>
    public static AffinityTerm From(V1Pod owner, V1PodAffinityTerm term, int weight = 0)
    {
        var ns = owner.Metadata?.NamespaceProperty ?? "";
        var namespaces = new HashSet<string>(term.Namespaces ?? [], StringComparer.Ordinal);
        if (namespaces.Count == 0 && term.NamespaceSelector is null)
        {
            namespaces.Add(ns);
        }

        var labels = owner.Metadata?.Labels;
        var extra = new List<(string, string, string)>();
        foreach (var key in term.MatchLabelKeys ?? [])
        {
            if (labels is not null && labels.TryGetValue(key, out var v))
            {
                extra.Add((key, "In", v));
            }
        }

        foreach (var key in term.MismatchLabelKeys ?? [])
        {
            if (labels is not null && labels.TryGetValue(key, out var v))
            {
                extra.Add((key, "NotIn", v));
            }
        }

        var selector = Selectors.With(term.LabelSelector, extra);
        return new AffinityTerm(namespaces, Selectors.With(term.NamespaceSelector), selector, term.TopologyKey ?? "", weight);
    }

    /// <summary>Whether <paramref name="pod"/> (in a namespace labelled <paramref name="namespaceLabels"/>) is selected by this term.</summary>
    public bool Matches(PodInfo pod, Func<string, IDictionary<string, string>?> namespaceLabels)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(namespaceLabels);
        if (!_namespaces.Contains(pod.Namespace)
            && (Selectors.IsNothing(_namespaceSelector) || !_namespaceSelector.Matches(namespaceLabels(pod.Namespace))))
        {
            return false;
        }

        return _selector.Matches(pod.Labels);
    }
}
