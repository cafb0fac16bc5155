namespace LocalKube.Node.Controllers.GarbageCollector;

/// <summary>The work a graph change calls for.</summary>
public sealed class GraphActions
{
    /// <summary>Nodes to check for deletion (dependents whose owners may be gone, virtual owners to verify, foreground owners).</summary>
    public List<GraphNode> AttemptToDelete { get; } = [];

    /// <summary>Owners being deleted with the <c>orphan</c> finalizer: their dependents are released.</summary>
    public List<GraphNode> AttemptToOrphan { get; } = [];

    /// <summary>Dependents whose reference names an owner observed in another namespace, with that owner's UID.</summary>
    public List<(GraphNode Dependent, string OwnerUid)> InvalidNamespaceReferences { get; } = [];
}
