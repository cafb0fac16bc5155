using k8s.Models;
using LocalKube.Node.Controllers.Shared;

namespace LocalKube.Node.Controllers.DaemonSet;

/// <summary>A DaemonSet's ControllerRevisions (<c>constructHistory</c>, <c>snapshot</c>, <c>cleanupHistory</c>).</summary>
public sealed partial class DaemonSetSync
{
    // The current revision (made or re-numbered as needed) and the old ones.
    private async Task<(V1ControllerRevision Current, List<V1ControllerRevision> Old)> ConstructHistoryAsync(V1DaemonSet ds, List<V1ControllerRevision> revisions, CancellationToken ct)
    {
        var patch = ControllerHistory.TemplatePatch(ds.Spec.Template);
        var current = new List<V1ControllerRevision>();
        var old = new List<V1ControllerRevision>();
        foreach (var revision in revisions)
        {
            var history = revision;
            if (history.Metadata.Labels is null || !history.Metadata.Labels.ContainsKey(DaemonPods.RevisionLabel))
            {
                var copy = ModelCopy.Clone(history);
                copy.Metadata.Labels ??= new Dictionary<string, string>();
                copy.Metadata.Labels[DaemonPods.RevisionLabel] = copy.Metadata.Name;
                history = await actions.UpdateRevisionAsync(copy, ct);
            }

            if (ControllerHistory.DataText(history) is { } data && SortedJson.Canonical(data) == patch)
            {
                current.Add(history);
            }
            else
            {
                old.Add(history);
            }
        }

        var next = old.Count == 0 ? 1 : old.Max(r => r.Revision ?? 0) + 1;
        if (current.Count == 0)
        {
            return (await SnapshotAsync(ds, patch, next, ct), old);
        }

        // Duplicates of the current revision: keep the one with the highest revision.
        var sorted = ControllerHistory.Sorted(current);
        var keep = sorted[^1];
        foreach (var duplicate in sorted.Take(sorted.Count - 1))
        {
            await actions.DeleteRevisionAsync(duplicate, ct);
        }

        if ((keep.Revision ?? 0) < next)
        {
            var copy = ModelCopy.Clone(keep);
            copy.Revision = next;
            keep = await actions.UpdateRevisionAsync(copy, ct);
        }

        return (keep, old);
    }

    // snapshot: a revision named after the template hash; a name taken by other data bumps collisionCount.
    private async Task<V1ControllerRevision> SnapshotAsync(V1DaemonSet ds, string patch, long revision, CancellationToken ct)
    {
        var hash = TemplateHash.Compute(ds.Spec.Template, ds.Status?.CollisionCount);
        var history = ControllerHistory.New(ds, ControllerRefs.For(ds, "apps/v1", "DaemonSet"), ds.Spec.Template.Metadata?.Labels, patch, revision, null);
        history.Metadata.Name = ds.Metadata.Name + "-" + hash;
        history.Metadata.Labels!.Remove(ControllerHistory.HashLabel);
        history.Metadata.Labels[DaemonPods.RevisionLabel] = hash;
        history.Metadata.Annotations = ds.Metadata.Annotations is { Count: > 0 } a ? new Dictionary<string, string>(a) : null;
        try
        {
            return await actions.CreateRevisionAsync(history, ct);
        }
        catch (Exception e) when (ApiErrors.IsAlreadyExists(e))
        {
            var existing = await actions.GetRevisionAsync(ds.Metadata.NamespaceProperty, history.Metadata.Name, ct);
            if (ControllerHistory.DataText(existing) is { } data && SortedJson.Canonical(data) == patch)
            {
                return existing;
            }

            var live = await actions.GetDaemonSetAsync(ds.Metadata.NamespaceProperty, ds.Metadata.Name, ct);
            if ((live.Status?.CollisionCount ?? 0) != (ds.Status?.CollisionCount ?? 0))
            {
                throw new InvalidOperationException($"found a stale collision count ({ds.Status?.CollisionCount}, expected {live.Status?.CollisionCount}) of DaemonSet \"{ds.Metadata.Name}\" while processing; will retry until it is updated", e);
            }

            live.Status ??= new V1DaemonSetStatus();
            live.Status.CollisionCount = (live.Status.CollisionCount ?? 0) + 1;
            await actions.UpdateStatusAsync(live, ct);
            throw;
        }
    }

    // cleanupHistory: old revisions beyond revisionHistoryLimit, oldest first, unless a pod still uses them.
    private async Task CleanupHistoryAsync(V1DaemonSet ds, IReadOnlyList<V1Pod> pods, List<V1ControllerRevision> old, CancellationToken ct)
    {
        var toKill = old.Count - (ds.Spec.RevisionHistoryLimit ?? 10);
        if (toKill <= 0)
        {
            return;
        }

        var live = PodsByNode(pods, includeDeletedTerminal: true).Values.SelectMany(p => p)
            .Select(p => p.Metadata.Labels is { } l && l.TryGetValue(DaemonPods.RevisionLabel, out var h) ? h : null)
            .Where(h => !string.IsNullOrEmpty(h)).ToHashSet();
        foreach (var history in ControllerHistory.Sorted(old))
        {
            if (toKill <= 0)
            {
                break;
            }

            if (history.Metadata.Labels is { } l && l.TryGetValue(DaemonPods.RevisionLabel, out var hash) && live.Contains(hash))
            {
                continue;
            }

            await actions.DeleteRevisionAsync(history, ct);
            toKill--;
        }
    }
}
