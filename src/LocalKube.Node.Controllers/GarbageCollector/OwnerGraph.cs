using k8s.Models;

namespace LocalKube.Node.Controllers.GarbageCollector;

/// <summary>
/// The garbage collector's ownership graph (k/k <c>pkg/controller/garbagecollector/graph_builder.go</c>
/// <c>processGraphChanges</c>): nodes by UID, owners inferred as virtual nodes until observed, and the work each
/// change calls for. Not thread-safe: one loop applies changes in order.
/// </summary>
public sealed class OwnerGraph
{
    /// <summary>The finalizer of foreground deletion.</summary>
    public const string ForegroundFinalizer = "foregroundDeletion";

    /// <summary>The finalizer of orphaning deletion.</summary>
    public const string OrphanFinalizer = "orphan";

    private const int AbsentCacheSize = 500;
    private readonly Dictionary<string, GraphNode> _byUid = new(StringComparer.Ordinal);
    private readonly LinkedList<ObjectIdentity> _absentOrder = new();
    private readonly HashSet<ObjectIdentity> _absent = [];

    /// <summary>How many nodes (observed and virtual) the graph holds.</summary>
    public int Count => _byUid.Count;

    /// <summary>The node of <paramref name="uid"/>, or null.</summary>
    public GraphNode? Find(string uid) => _byUid.GetValueOrDefault(uid);

    /// <summary>Whether an owner with these coordinates was proven absent (upstream's absentOwnerCache).</summary>
    public bool IsKnownAbsent(ObjectIdentity identity) => _absent.Contains(identity);

    /// <summary>Remembers coordinates proven absent (bounded, oldest forgotten first).</summary>
    public void MarkAbsent(ObjectIdentity identity)
    {
        if (!_absent.Add(identity))
        {
            return;
        }

        _absentOrder.AddLast(identity);
        if (_absentOrder.Count > AbsentCacheSize)
        {
            _absent.Remove(_absentOrder.First!.Value);
            _absentOrder.RemoveFirst();
        }
    }

    /// <summary>Whether <paramref name="meta"/> is being deleted.</summary>
    public static bool BeingDeleted(V1ObjectMeta? meta) => meta?.DeletionTimestamp is not null;

    /// <summary>Whether <paramref name="meta"/> carries <paramref name="finalizer"/>.</summary>
    public static bool HasFinalizer(V1ObjectMeta? meta, string finalizer) => meta?.Finalizers?.Contains(finalizer) == true;

    /// <summary>Applies one change and returns the work it calls for.</summary>
    public GraphActions Apply(GraphChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var actions = new GraphActions();
        var uid = change.Identity.Uid;
        _byUid.TryGetValue(uid, out var existing);
        if (existing is not null && !change.Virtual && !existing.IsObserved && change.Type != GraphChangeType.Delete)
        {
            Observe(existing, change.Identity, actions);
        }

        switch (change.Type)
        {
            case GraphChangeType.Add or GraphChangeType.Update when existing is null:
                {
                    var node = new GraphNode(change.Identity, isVirtual: false)
                    {
                        IsObserved = true,
                        Owners = change.Metadata.OwnerReferences?.ToList() ?? [],
                        BeingDeleted = BeingDeleted(change.Metadata),
                        DeletingDependents = BeingDeleted(change.Metadata) && HasFinalizer(change.Metadata, ForegroundFinalizer),
                    };
                    _byUid[uid] = node;
                    AddToOwners(node, node.Owners, actions);
                    Transitions(change.Old, change.Metadata, node, actions);
                    break;
                }

            case GraphChangeType.Add or GraphChangeType.Update:
                {
                    var node = existing!;
                    var owners = change.Metadata.OwnerReferences?.ToList() ?? [];
                    var (added, removed, changed) = Diff(node.Owners, owners);
                    if (added.Count + removed.Count + changed.Count > 0)
                    {
                        UnblockedOwners(removed, changed, actions);
                        node.Owners = owners;
                        AddToOwners(node, added, actions);
                        foreach (var gone in removed)
                        {
                            _byUid.GetValueOrDefault(gone.Uid)?.RemoveDependent(node);
                        }
                    }

                    if (BeingDeleted(change.Metadata))
                    {
                        node.BeingDeleted = true;
                    }

                    Transitions(change.Old, change.Metadata, node, actions);
                    break;
                }

            case GraphChangeType.Delete when existing is not null:
                Delete(change, existing, actions);
                break;
        }

        return actions;
    }

    private void Observe(GraphNode node, ObjectIdentity observed, GraphActions actions)
    {
        if (node.Identity != observed)
        {
            // Dependents that referred to this object by other coordinates may be wrong: check them.
            foreach (var dependent in node.Dependents.Where(d => !Matches(d, observed)))
            {
                if (observed.Namespace.Length > 0 && dependent.Identity.Namespace != observed.Namespace)
                {
                    actions.InvalidNamespaceReferences.Add((dependent, observed.Uid));
                }

                actions.AttemptToDelete.Add(dependent);
            }

            node.Identity = observed;
        }

        node.IsVirtual = false;
        node.IsObserved = true;
    }

    private void Delete(GraphChange change, GraphNode existing, GraphActions actions)
    {
        var remove = true;
        var deleted = change.Identity;
        if (change.Virtual)
        {
            var (matching, other) = Partition(existing.Dependents, deleted);
            if (existing.IsVirtual)
            {
                if (other.Count > 0)
                {
                    // Some dependents name this owner by other coordinates: keep the node for them.
                    remove = false;
                    if (matching.Count > 0)
                    {
                        MarkAbsent(deleted);
                        actions.AttemptToDelete.AddRange(matching);
                    }

                    if (existing.Identity == deleted)
                    {
                        var alternative = other[0].Owners.First(o => o.Uid == deleted.Uid);
                        existing.Identity = new ObjectIdentity(alternative.ApiVersion, alternative.Kind, other[0].Identity.Namespace, alternative.Name, alternative.Uid);
                        actions.AttemptToDelete.Add(existing);
                    }
                }
            }
            else if (existing.Identity != deleted)
            {
                // A real node is never removed because of a virtual delete with other coordinates.
                remove = false;
                if (matching.Count > 0)
                {
                    MarkAbsent(deleted);
                    actions.AttemptToDelete.AddRange(matching);
                }
            }
        }

        if (!remove)
        {
            return;
        }

        _byUid.Remove(existing.Identity.Uid);
        foreach (var owner in existing.Owners)
        {
            _byUid.GetValueOrDefault(owner.Uid)?.RemoveDependent(existing);
        }

        if (existing.Dependents.Count > 0)
        {
            MarkAbsent(change.Identity);
        }

        actions.AttemptToDelete.AddRange(existing.Dependents);
        foreach (var owner in existing.Owners)
        {
            // A foreground owner may now have no blocking dependents left.
            if (_byUid.GetValueOrDefault(owner.Uid) is { DeletingDependents: true } ownerNode)
            {
                actions.AttemptToDelete.Add(ownerNode);
            }
        }
    }

    private void AddToOwners(GraphNode node, IEnumerable<V1OwnerReference> owners, GraphActions actions)
    {
        var suspicious = false;
        foreach (var owner in owners)
        {
            if (!_byUid.TryGetValue(owner.Uid, out var ownerNode))
            {
                ownerNode = new GraphNode(new ObjectIdentity(owner.ApiVersion, owner.Kind, node.Identity.Namespace, owner.Name, owner.Uid), isVirtual: true);
                _byUid[owner.Uid] = ownerNode;
                ownerNode.AddDependent(node);

                // Virtual: the collector checks whether it exists.
                actions.AttemptToDelete.Add(ownerNode);
                continue;
            }

            ownerNode.AddDependent(node);
            if (suspicious)
            {
                continue;
            }

            var ownerNamespaced = ownerNode.Identity.Namespace.Length > 0;
            if (ownerNamespaced && ownerNode.Identity.Namespace != node.Identity.Namespace)
            {
                if (ownerNode.IsObserved)
                {
                    actions.InvalidNamespaceReferences.Add((node, owner.Uid));
                }

                suspicious = true;
            }
            else if (owner.ApiVersion != ownerNode.Identity.ApiVersion || owner.Kind != ownerNode.Identity.Kind || owner.Name != ownerNode.Identity.Name)
            {
                suspicious = true;
            }
            else if (!ownerNamespaced && ownerNode.Identity.Namespace != node.Identity.Namespace && !ownerNode.IsObserved)
            {
                suspicious = true;
            }
        }

        if (suspicious)
        {
            actions.AttemptToDelete.Add(node);
        }
    }

    private void UnblockedOwners(List<V1OwnerReference> removed, List<(V1OwnerReference Old, V1OwnerReference New)> changed, GraphActions actions)
    {
        foreach (var gone in removed)
        {
            if (gone.BlockOwnerDeletion == true && _byUid.GetValueOrDefault(gone.Uid) is { DeletingDependents: true } owner)
            {
                actions.AttemptToDelete.Add(owner);
            }
        }

        foreach (var (old, now) in changed)
        {
            if (old.BlockOwnerDeletion == true && now.BlockOwnerDeletion != true
                && _byUid.GetValueOrDefault(now.Uid) is { DeletingDependents: true } owner)
            {
                actions.AttemptToDelete.Add(owner);
            }
        }
    }

    private static void Transitions(V1ObjectMeta? old, V1ObjectMeta now, GraphNode node, GraphActions actions)
    {
        if (Starts(old, now, OrphanFinalizer))
        {
            actions.AttemptToOrphan.Add(node);
            return;
        }

        if (Starts(old, now, ForegroundFinalizer))
        {
            node.DeletingDependents = true;
            node.BeingDeleted = true;
            actions.AttemptToDelete.AddRange(node.Dependents);
            actions.AttemptToDelete.Add(node);
        }
    }

    // upstream startsWaitingForDependentsOrphaned / startsWaitingForDependentsDeleted
    private static bool Starts(V1ObjectMeta? old, V1ObjectMeta now, string finalizer) =>
        BeingDeleted(now) && HasFinalizer(now, finalizer) && !(BeingDeleted(old) && HasFinalizer(old, finalizer));

    private static (List<V1OwnerReference> Added, List<V1OwnerReference> Removed, List<(V1OwnerReference, V1OwnerReference)> Changed) Diff(
        IReadOnlyList<V1OwnerReference> old, List<V1OwnerReference> now)
    {
        var oldByUid = old.GroupBy(o => o.Uid).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var nowByUid = now.GroupBy(o => o.Uid).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var added = now.Where(o => !oldByUid.ContainsKey(o.Uid)).ToList();
        var removed = old.Where(o => !nowByUid.ContainsKey(o.Uid)).ToList();
        var changed = now.Where(o => oldByUid.TryGetValue(o.Uid, out var before) && !SameReference(before, o))
            .Select(o => (oldByUid[o.Uid], o)).ToList();
        return (added, removed, changed);
    }

    private static bool SameReference(V1OwnerReference a, V1OwnerReference b) =>
        a.ApiVersion == b.ApiVersion && a.Kind == b.Kind && a.Name == b.Name && a.Controller == b.Controller && a.BlockOwnerDeletion == b.BlockOwnerDeletion;

    private static bool Matches(GraphNode dependent, ObjectIdentity owner) =>
        dependent.Owners.Any(o => o.Uid == owner.Uid && o.ApiVersion == owner.ApiVersion && o.Kind == owner.Kind && o.Name == owner.Name
            && (owner.Namespace.Length == 0 || dependent.Identity.Namespace == owner.Namespace));

    private static (List<GraphNode> Matching, List<GraphNode> Other) Partition(IEnumerable<GraphNode> dependents, ObjectIdentity owner)
    {
        var matching = new List<GraphNode>();
        var other = new List<GraphNode>();
        foreach (var d in dependents)
        {
            var reference = d.Owners.FirstOrDefault(o => o.Uid == owner.Uid);
            var same = reference is not null && reference.ApiVersion == owner.ApiVersion && reference.Kind == owner.Kind && reference.Name == owner.Name
                && (owner.Namespace.Length == 0 || d.Identity.Namespace == owner.Namespace);
            (same ? matching : other).Add(d);
        }

        return (matching, other);
    }
}
