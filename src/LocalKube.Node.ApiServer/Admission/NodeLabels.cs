namespace LocalKube.Node.ApiServer.Admission;

/// <summary>
/// Which labels a kubelet may set on its own Node (upstream's <c>kubelet/pkg/apis</c> well-known labels and
/// NodeRestriction's label policy): nothing under <c>node-restriction.kubernetes.io/</c>, and under the
/// <c>kubernetes.io</c> and <c>k8s.io</c> namespaces only the kubelet's own labels (hostname, os, arch, zone, region,
/// instance type) and the <c>kubelet.kubernetes.io</c> and <c>node.kubernetes.io</c> namespaces.
/// </summary>
public static class NodeLabels
{
    /// <summary>The namespace reserved for labels only administrators set (<c>v1.LabelNamespaceNodeRestriction</c>).</summary>
    public const string RestrictedNamespace = "node-restriction.kubernetes.io";

    private static readonly HashSet<string> KubeletLabels = new(StringComparer.Ordinal)
    {
        "kubernetes.io/hostname",
        "topology.kubernetes.io/zone",
        "topology.kubernetes.io/region",
        "failure-domain.beta.kubernetes.io/zone",
        "failure-domain.beta.kubernetes.io/region",
        "beta.kubernetes.io/instance-type",
        "node.kubernetes.io/instance-type",
        "kubernetes.io/os",
        "kubernetes.io/arch",
        "beta.kubernetes.io/os",
        "beta.kubernetes.io/arch",
    };

    private static readonly string[] KubeletNamespaces = ["kubelet.kubernetes.io", "node.kubernetes.io"];

    /// <summary>Whether a kubelet may set, change or remove the label <paramref name="key"/> on its Node.</summary>
    public static bool IsKubeletLabel(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (KubeletLabels.Contains(key))
        {
            return true;
        }

        var ns = Namespace(key);
        return KubeletNamespaces.Any(allowed => InNamespace(ns, allowed));
    }

    /// <summary>The keys whose value differs between <paramref name="a"/> and <paramref name="b"/> (added, removed or changed).</summary>
    public static IReadOnlyCollection<string> Modified(IDictionary<string, string>? a, IDictionary<string, string>? b)
    {
        var modified = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (k, v) in a ?? new Dictionary<string, string>())
        {
            if (b is null || !b.TryGetValue(k, out var w) || w != v)
            {
                modified.Add(k);
            }
        }

        foreach (var (k, v) in b ?? new Dictionary<string, string>())
        {
            if (a is null || !a.TryGetValue(k, out var w) || w != v)
            {
                modified.Add(k);
            }
        }

        return modified;
    }

    /// <summary>Of <paramref name="modified"/>, the keys a kubelet may not touch, sorted.</summary>
    public static IReadOnlyList<string> Forbidden(IEnumerable<string> modified)
    {
        ArgumentNullException.ThrowIfNull(modified);
        return modified
            .Where(key => InNamespace(Namespace(key), RestrictedNamespace) || (IsKubernetesLabel(key) && !IsKubeletLabel(key)))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private static bool IsKubernetesLabel(string key)
    {
        var ns = Namespace(key);
        return InNamespace(ns, "kubernetes.io") || InNamespace(ns, "k8s.io");
    }

    private static bool InNamespace(string ns, string parent) =>
        ns == parent || ns.EndsWith("." + parent, StringComparison.Ordinal);

    private static string Namespace(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? "" : key[..slash];
    }
}
