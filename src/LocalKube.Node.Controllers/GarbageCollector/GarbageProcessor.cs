using k8s.Models;

namespace LocalKube.Node.Controllers.GarbageCollector;

/// <summary>
/// The garbage collector's decisions over the graph (k/k <c>garbagecollector.go</c>
/// <c>attemptToDeleteItem</c>, <c>processDeletingDependentsItem</c>, <c>attemptToOrphanWorker</c>): verifies virtual
/// owners, finishes foreground deletions once no blocking dependent is left, resolves each owner reference in the
/// dependent's namespace (or cluster-wide), and deletes or detaches dependents accordingly. Graph changes go through
/// <see cref="Apply"/>; the work they produce comes back through the enqueue callbacks.
/// </summary>
public sealed class GarbageProcessor(IGarbageCollectorActions api, Action<GraphNode> enqueueDelete, Action<GraphNode> enqueueOrphan)
{
    private readonly object _lock = new();

    /// <summary>The graph (guarded by this processor).</summary>
    internal OwnerGraph Graph { get; } = new();

    /// <summary>How many nodes the graph holds.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return Graph.Count;
            }
        }
    }

    /// <summary>Applies an informer change to the graph and queues the work it calls for.</summary>
    public void Apply(GraphChange change)
    {
        GraphActions actions;
        lock (_lock)
        {
            actions = Graph.Apply(change);
        }

        Dispatch(actions);
    }

    /// <summary>Upstream's <c>attemptToDeleteItem</c> for one node.</summary>
    public async Task<AttemptOutcome> AttemptToDeleteAsync(GraphNode item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ObjectIdentity identity;
        bool observed;
        lock (_lock)
        {
            if (!item.IsObserved && (Graph.Find(item.Identity.Uid) is not { } inGraph || inGraph != item || inGraph.IsObserved))
            {
                // Replaced or removed meanwhile.
                return AttemptOutcome.Forget;
            }

            if (item.BeingDeleted && !item.DeletingDependents)
            {
                return AttemptOutcome.Forget;
            }

            identity = item.Identity;
            observed = item.IsObserved;
        }

        if (api.IsNamespaced(identity.ApiVersion, identity.Kind) is not { } namespaced)
        {
            return AttemptOutcome.Requeue;
        }

        var target = namespaced ? identity : identity with { Namespace = "" };
        var latest = await api.GetAsync(target, cancellationToken);
        if (latest is null || latest.Uid != identity.Uid)
        {
            Apply(new GraphChange(GraphChangeType.Delete, identity, new V1ObjectMeta { Name = identity.Name, Uid = identity.Uid }, Virtual: true));
            return AttemptOutcome.Forget;
        }

        if (item.DeletingDependents)
        {
            await ProcessDeletingDependentsAsync(item, target, cancellationToken);
            return AttemptOutcome.Forget;
        }

        var references = latest.OwnerReferences ?? [];
        if (references.Count == 0)
        {
            return observed ? AttemptOutcome.Forget : AttemptOutcome.Requeue;
        }

        var classified = new List<(string Uid, OwnerState State)>();
        foreach (var reference in references)
        {
            var state = await ClassifyAsync(reference, target, cancellationToken);
            if (state is null)
            {
                // A cluster-scoped object naming a namespaced owner: never resolvable, never deleted.
                return AttemptOutcome.Forget;
            }

            classified.Add((reference.Uid, state.Value));
        }

        Decision decision;
        lock (_lock)
        {
            decision = Decision.For(item, classified, latest.Finalizers);
        }

        switch (decision.Kind)
        {
            case DecisionKind.RemoveReferences:
                await api.RemoveOwnerReferencesAsync(target, decision.OwnerUids, cancellationToken);
                break;
            case DecisionKind.Delete:
                if (decision.UnblockFirst)
                {
                    await api.UnblockOwnerReferencesAsync(target, latest, cancellationToken);
                }

                await api.DeleteAsync(target, decision.Propagation!, cancellationToken);
                break;
        }

        return observed ? AttemptOutcome.Forget : AttemptOutcome.Requeue;
    }

    /// <summary>Upstream's orphaning: every dependent drops its reference, then the owner loses its <c>orphan</c> finalizer.</summary>
    public async Task AttemptToOrphanAsync(GraphNode owner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        List<ObjectIdentity> dependents;
        ObjectIdentity identity;
        lock (_lock)
        {
            dependents = owner.Dependents.Select(d => d.Identity).ToList();
            identity = owner.Identity;
        }

        foreach (var dependent in dependents)
        {
            var namespaced = api.IsNamespaced(dependent.ApiVersion, dependent.Kind) ?? true;
            await api.RemoveOwnerReferencesAsync(namespaced ? dependent : dependent with { Namespace = "" }, [identity.Uid], cancellationToken);
        }

        var ownerNamespaced = api.IsNamespaced(identity.ApiVersion, identity.Kind) ?? true;
        await api.RemoveFinalizerAsync(ownerNamespaced ? identity : identity with { Namespace = "" }, OwnerGraph.OrphanFinalizer, cancellationToken);
    }

    private async Task ProcessDeletingDependentsAsync(GraphNode item, ObjectIdentity target, CancellationToken cancellationToken)
    {
        List<GraphNode> blocking;
        lock (_lock)
        {
            blocking = item.BlockingDependents.ToList();
        }

        if (blocking.Count == 0)
        {
            await api.RemoveFinalizerAsync(target, OwnerGraph.ForegroundFinalizer, cancellationToken);
            return;
        }

        foreach (var dependent in blocking)
        {
            if (!dependent.DeletingDependents)
            {
                enqueueDelete(dependent);
            }
        }
    }

    private async Task<OwnerState?> ClassifyAsync(V1OwnerReference reference, ObjectIdentity dependent, CancellationToken cancellationToken)
    {
        var clusterKey = new ObjectIdentity(reference.ApiVersion, reference.Kind, "", reference.Name, reference.Uid);
        var namespacedKey = clusterKey with { Namespace = dependent.Namespace };
        lock (_lock)
        {
            if (Graph.IsKnownAbsent(clusterKey) || Graph.IsKnownAbsent(namespacedKey))
            {
                return OwnerState.Dangling;
            }
        }

        var namespaced = api.IsNamespaced(reference.ApiVersion, reference.Kind)
            ?? throw new InvalidOperationException($"unable to get REST mapping for {reference.ApiVersion}/{reference.Kind}");
        if (namespaced && dependent.Namespace.Length == 0)
        {
            api.Event(dependent, "Warning", "OwnerRefInvalidNamespace", $"ownerRef {namespacedKey} does not exist in namespace \"\"");
            return null;
        }

        var where = namespaced ? namespacedKey : clusterKey;
        var owner = await api.GetAsync(where, cancellationToken);
        if (owner is null || owner.Uid != reference.Uid)
        {
            lock (_lock)
            {
                Graph.MarkAbsent(where);
            }

            return OwnerState.Dangling;
        }

        return owner.DeletionTimestamp is not null && owner.Finalizers?.Contains(OwnerGraph.ForegroundFinalizer) == true
            ? OwnerState.Waiting
            : OwnerState.Solid;
    }

    private void Dispatch(GraphActions actions)
    {
        foreach (var (dependent, ownerUid) in actions.InvalidNamespaceReferences)
        {
            var reference = dependent.Owners.FirstOrDefault(o => o.Uid == ownerUid);
            if (reference is not null)
            {
                var invalid = new ObjectIdentity(reference.ApiVersion, reference.Kind, dependent.Identity.Namespace, reference.Name, reference.Uid);
                api.Event(dependent.Identity, "Warning", "OwnerRefInvalidNamespace", $"ownerRef {invalid} does not exist in namespace \"{dependent.Identity.Namespace}\"");
            }
        }

        foreach (var node in actions.AttemptToDelete)
        {
            enqueueDelete(node);
        }

        foreach (var node in actions.AttemptToOrphan)
        {
            enqueueOrphan(node);
        }
    }
}
