namespace LocalKube.Node.Scheduler.Framework;

/// <summary>What one scheduling attempt sees: the nodes with their pods, and the other cached objects.</summary>
public sealed class ClusterSnapshot
{
    private readonly Dictionary<string, NodeInfo> _byName;

    /// <summary>Creates the view over <paramref name="nodes"/> (only nodes whose object is known are schedulable).</summary>
    public ClusterSnapshot(IEnumerable<NodeInfo> nodes, ISchedulerListers listers)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        Nodes = nodes.Where(n => n.Node is not null).ToList();
        _byName = Nodes.ToDictionary(n => n.Name, StringComparer.Ordinal);
        Listers = listers ?? throw new ArgumentNullException(nameof(listers));
    }

    /// <summary>The schedulable nodes.</summary>
    public IReadOnlyList<NodeInfo> Nodes { get; }

    /// <summary>The other cached objects.</summary>
    public ISchedulerListers Listers { get; }

    /// <summary>The node named <paramref name="name"/>, or null.</summary>
    public NodeInfo? Get(string name) => _byName.GetValueOrDefault(name);

    /// <summary>The same view with <paramref name="replacement"/> standing in for the node of the same name.</summary>
    public ClusterSnapshot With(NodeInfo replacement)
    {
        ArgumentNullException.ThrowIfNull(replacement);
        return new ClusterSnapshot(Nodes.Select(n => n.Name == replacement.Name ? replacement : n), Listers);
    }
}
