using k8s.Models;
using LocalKube.Node.Controllers.Shared;

namespace LocalKube.Node.Controllers.StatefulSet;

/// <summary>A StatefulSet's current and update revisions (<c>getStatefulSetRevisions</c>).</summary>
public static class StatefulSetRevisions
{
    /// <summary>The revision data of the set's current template.</summary>
    public static V1ControllerRevision Build(V1StatefulSet set, long revision, int collisionCount)
    {
        var data = ControllerHistory.TemplatePatch(set.Spec.Template);
        var cr = ControllerHistory.New(set, ControllerRefs.For(set, "apps/v1", "StatefulSet"), set.Spec.Template.Metadata?.Labels, data, revision, collisionCount);
        cr.Metadata.Annotations = set.Metadata.Annotations is { Count: > 0 } a ? new Dictionary<string, string>(a) : null;
        return cr;
    }

    /// <summary>
    /// Finds or makes the update revision (re-numbering an equal older one, which is a rollback), and the current
    /// revision named by the status (else the update revision). Returns the collision count to store.
    /// </summary>
    public static async Task<(V1ControllerRevision Current, V1ControllerRevision Update, int CollisionCount)> ResolveAsync(V1StatefulSet set, List<V1ControllerRevision> revisions, IStatefulSetActions actions, CancellationToken ct)
    {
        var sorted = ControllerHistory.Sorted(revisions);
        var collisionCount = set.Status?.CollisionCount ?? 0;
        var update = Build(set, ControllerHistory.Next(sorted), collisionCount);
        var equal = sorted.Where(r => ControllerHistory.SameData(r, update)).ToList();
        if (equal.Count > 0 && ReferenceEquals(sorted[^1], equal[^1]))
        {
            update = sorted[^1];
        }
        else if (equal.Count > 0)
        {
            var copy = ModelCopy.Clone(equal[^1]);
            copy.Revision = update.Revision;
            update = await actions.UpdateRevisionAsync(copy, ct);
        }
        else
        {
            (update, collisionCount) = await CreateAsync(set, update, collisionCount, actions, ct);
        }

        var current = sorted.FirstOrDefault(r => r.Metadata.Name == set.Status?.CurrentRevision) ?? update;
        return (current, update, collisionCount);
    }

    // CreateControllerRevision: on AlreadyExists with other data, bump the collision count and try another name.
    private static async Task<(V1ControllerRevision, int)> CreateAsync(V1StatefulSet set, V1ControllerRevision revision, int collisionCount, IStatefulSetActions actions, CancellationToken ct)
    {
        var data = ControllerHistory.DataText(revision)!;
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var clone = ModelCopy.Clone(revision);
            clone.Metadata.Name = ControllerHistory.Name(set.Metadata.Name, ControllerHistory.Hash(data, collisionCount));
            try
            {
                return (await actions.CreateRevisionAsync(clone, ct), collisionCount);
            }
            catch (Exception e) when (ApiErrors.IsAlreadyExists(e))
            {
                var existing = await actions.GetRevisionAsync(set.Metadata.NamespaceProperty, clone.Metadata.Name, ct);
                if (ControllerHistory.SameData(existing, clone))
                {
                    return (existing, collisionCount);
                }

                collisionCount++;
            }
        }

        throw new InvalidOperationException($"no free ControllerRevision name for {set.Metadata.Name} after 100 collisions");
    }

    /// <summary>The set with the template held by <paramref name="revision"/> (<c>ApplyRevision</c>).</summary>
    public static V1StatefulSet Apply(V1StatefulSet set, V1ControllerRevision revision)
    {
        var copy = ModelCopy.Clone(set);
        if (ControllerHistory.TemplateOf(revision) is { } template)
        {
            copy.Spec.Template = template;
        }

        return copy;
    }

    /// <summary>
    /// <c>truncateHistory</c>: deletes revisions used by no pod and neither current nor update, oldest first, beyond
    /// <c>revisionHistoryLimit</c>.
    /// </summary>
    public static async Task TruncateAsync(V1StatefulSet set, IEnumerable<V1Pod> pods, List<V1ControllerRevision> revisions, string? current, string? update, IStatefulSetActions actions, CancellationToken ct)
    {
        var live = new HashSet<string>(StringComparer.Ordinal);
        if (current is not null)
        {
            live.Add(current);
        }

        if (update is not null)
        {
            live.Add(update);
        }

        foreach (var pod in pods)
        {
            live.Add(StatefulPods.Revision(pod));
        }

        var history = ControllerHistory.Sorted(revisions).Where(r => !live.Contains(r.Metadata.Name)).ToList();
        var limit = set.Spec?.RevisionHistoryLimit ?? 10;
        for (var i = 0; i < history.Count - limit; i++)
        {
            await actions.DeleteRevisionAsync(history[i], ct);
        }
    }
}
