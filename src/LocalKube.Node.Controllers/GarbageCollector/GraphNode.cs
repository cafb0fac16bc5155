using k8s.Models;

namespace LocalKube.Node.Controllers.GarbageCollector;

/// <summary>
/// One object in the ownership graph (upstream's <c>node</c>): its owner references, the nodes that name it as an
/// owner, and its deletion state. A virtual node stands for an owner only seen in references, until the object is
/// observed or proven absent.
/// </summary>
public sealed class GraphNode
{
    private readonly HashSet<GraphNode> _dependents = [];

    internal GraphNode(ObjectIdentity identity, bool isVirtual)
    {
        Identity = identity;
        IsVirtual = isVirtual;
    }

    /// <summary>The object's coordinates.</summary>
    public ObjectIdentity Identity { get; internal set; }

    /// <summary>Whether the node was only inferred from a reference.</summary>
    public bool IsVirtual { get; internal set; }

    /// <summary>Whether an informer has reported the object.</summary>
    public bool IsObserved { get; internal set; }

    /// <summary>The object's owner references as last observed.</summary>
    public IReadOnlyList<V1OwnerReference> Owners { get; internal set; } = [];

    /// <summary>Whether the object has a deletionTimestamp.</summary>
    public bool BeingDeleted { get; internal set; }

    /// <summary>Whether it is being deleted in the foreground (deletionTimestamp and the <c>foregroundDeletion</c> finalizer).</summary>
    public bool DeletingDependents { get; internal set; }

    /// <summary>The objects that name this one as an owner.</summary>
    public IReadOnlyCollection<GraphNode> Dependents => _dependents;

    /// <summary>
    /// Dependents whose reference to this node sets <c>blockOwnerDeletion</c>: a foreground deletion waits for them.
    /// </summary>
    public IEnumerable<GraphNode> BlockingDependents =>
        _dependents.Where(d => d.Owners.Any(o => o.Uid == Identity.Uid && o.BlockOwnerDeletion == true));

    /// <inheritdoc />
    public override string ToString() => Identity.ToString();

    internal void AddDependent(GraphNode node) => _dependents.Add(node);

    internal void RemoveDependent(GraphNode node) => _dependents.Remove(node);
}
