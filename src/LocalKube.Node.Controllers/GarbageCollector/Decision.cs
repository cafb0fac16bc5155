namespace LocalKube.Node.Controllers.GarbageCollector;

/// <summary>What the collector does with a dependent (upstream's <c>attemptToDeleteItem</c> outcome).</summary>
/// <param name="Kind">Keep, patch references out, or delete.</param>
/// <param name="OwnerUids">The references to remove (<see cref="DecisionKind.RemoveReferences"/>).</param>
/// <param name="Propagation">The delete's propagation policy (<see cref="DecisionKind.Delete"/>).</param>
/// <param name="UnblockFirst">Clear blockOwnerDeletion on the item's references before deleting (foreground cycle guard).</param>
public sealed record Decision(DecisionKind Kind, IReadOnlyList<string> OwnerUids, string? Propagation = null, bool UnblockFirst = false)
{
    /// <summary>Nothing to do.</summary>
    public static Decision Keep { get; } = new(DecisionKind.Keep, []);

    /// <summary>
    /// Decides for <paramref name="item"/> whose current references resolved to <paramref name="owners"/>, given the
    /// finalizers it has now: any solid owner keeps it (dropping dangling and waiting references); a waiting owner
    /// deletes it in the foreground when it has dependents of its own; otherwise it is deleted as its own finalizers
    /// say (orphan, foreground) or in the background.
    /// </summary>
    public static Decision For(GraphNode item, IReadOnlyList<(string Uid, OwnerState State)> owners, IList<string>? finalizers)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(owners);
        if (owners.Count == 0)
        {
            return Keep;
        }

        var solid = owners.Any(o => o.State == OwnerState.Solid);
        var waiting = owners.Where(o => o.State == OwnerState.Waiting).Select(o => o.Uid).ToList();
        if (solid)
        {
            var stale = owners.Where(o => o.State != OwnerState.Solid).Select(o => o.Uid).ToList();
            return stale.Count == 0 ? Keep : new Decision(DecisionKind.RemoveReferences, stale);
        }

        if (waiting.Count > 0 && item.Dependents.Count > 0)
        {
            var cycle = item.Dependents.Any(d => d.DeletingDependents);
            return new Decision(DecisionKind.Delete, [], "Foreground", cycle);
        }

        var policy = finalizers?.Contains(OwnerGraph.OrphanFinalizer) == true ? "Orphan"
            : finalizers?.Contains(OwnerGraph.ForegroundFinalizer) == true ? "Foreground"
            : "Background";
        return new Decision(DecisionKind.Delete, [], policy);
    }
}
