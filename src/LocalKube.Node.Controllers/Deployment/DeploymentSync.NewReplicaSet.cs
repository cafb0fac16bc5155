using System.Globalization;
using k8s.Models;
using LocalKube.Node.Controllers.Shared;

namespace LocalKube.Node.Controllers.Deployment;

/// <summary>Finding or creating the new ReplicaSet and keeping the revisions (<c>getNewReplicaSet</c>).</summary>
public sealed partial class DeploymentSync
{
    private async Task<(V1ReplicaSet? NewRS, List<V1ReplicaSet> OldRSs)> GetAllReplicaSetsAndSyncRevisionAsync(V1Deployment d, List<V1ReplicaSet> rsList, bool create, CancellationToken ct)
    {
        var existing = FindNewReplicaSet(d, rsList);
        var oldRSs = rsList.Where(rs => !ReferenceEquals(rs, existing)).ToList();
        var newRS = await GetNewReplicaSetAsync(d, rsList, existing, oldRSs, create, ct);
        return (newRS, oldRSs);
    }

    private async Task<V1ReplicaSet?> GetNewReplicaSetAsync(V1Deployment d, List<V1ReplicaSet> rsList, V1ReplicaSet? existing, List<V1ReplicaSet> oldRSs, bool create, CancellationToken ct)
    {
        var newRevision = (DeploymentAnnotations.MaxRevision(oldRSs) + 1).ToString(CultureInfo.InvariantCulture);
        if (existing is not null)
        {
            var copy = ModelCopy.Clone(existing);
            var annotationsUpdated = DeploymentAnnotations.SetNewReplicaSetAnnotations(d, copy, newRevision, exists: true, RolloutMath.MaxSurge(d));
            var minReadyChanged = (copy.Spec.MinReadySeconds ?? 0) != (d.Spec.MinReadySeconds ?? 0);
            if (annotationsUpdated || minReadyChanged)
            {
                copy.Spec.MinReadySeconds = d.Spec.MinReadySeconds;
                var updated = await actions.UpdateReplicaSetAsync(copy, ct);
                Replace(existing, updated);
                return existing;
            }

            var needsUpdate = DeploymentAnnotations.SetDeploymentRevision(d, (copy.Metadata.Annotations is { } a && a.TryGetValue(DeploymentAnnotations.Revision, out var r) ? r : ""));
            if (DeploymentConditions.HasProgressDeadline(d) && DeploymentConditions.Get(d.Status, DeploymentConditions.Progressing) is null)
            {
                d.Status ??= new V1DeploymentStatus();
                DeploymentConditions.Set(d.Status, DeploymentConditions.New(DeploymentConditions.Progressing, "True", DeploymentConditions.FoundNewRSReason, $"Found new replica set \"{copy.Metadata.Name}\"", Now));
                needsUpdate = true;
            }

            if (needsUpdate)
            {
                await UpdateStatusKeepingVersionAsync(d, ct);
            }

            return existing;
        }

        if (!create)
        {
            return null;
        }

        var template = ModelCopy.Clone(d.Spec.Template);
        var hash = TemplateHash.Compute(template, d.Status?.CollisionCount);
        template.Metadata ??= new V1ObjectMeta();
        template.Metadata.Labels = new Dictionary<string, string>(template.Metadata.Labels ?? new Dictionary<string, string>())
        {
            [DeploymentAnnotations.PodTemplateHashLabel] = hash,
        };
        var selector = ModelCopy.Clone(d.Spec.Selector);
        selector.MatchLabels = new Dictionary<string, string>(selector.MatchLabels ?? new Dictionary<string, string>())
        {
            [DeploymentAnnotations.PodTemplateHashLabel] = hash,
        };
        var rs = new V1ReplicaSet
        {
            ApiVersion = "apps/v1",
            Kind = "ReplicaSet",
            Metadata = new V1ObjectMeta
            {
                Name = d.Metadata.Name + "-" + hash,
                NamespaceProperty = d.Metadata.NamespaceProperty,
                OwnerReferences = [ControllerRefs.For(d, "apps/v1", Kind)],
                Labels = new Dictionary<string, string>(template.Metadata.Labels),
            },
            Spec = new V1ReplicaSetSpec
            {
                Replicas = 0,
                MinReadySeconds = d.Spec.MinReadySeconds,
                Selector = selector,
                Template = template,
            },
        };
        List<V1ReplicaSet?> all = [.. oldRSs, rs];
        var count = RolloutMath.NewReplicaSetReplicas(d, all, rs);
        rs.Spec.Replicas = count;
        DeploymentAnnotations.SetNewReplicaSetAnnotations(d, rs, newRevision, exists: false, RolloutMath.MaxSurge(d));

        V1ReplicaSet created;
        var alreadyExists = false;
        try
        {
            created = await actions.CreateReplicaSetAsync(rs, ct);
        }
        catch (Exception e) when (ApiErrors.IsAlreadyExists(e))
        {
            alreadyExists = true;
            var found = actions.GetReplicaSet(rs.Metadata.NamespaceProperty, rs.Metadata.Name);
            if (found is not null && ControllerRefs.IsControlledBy(found.Metadata, d.Metadata.Uid) && EqualIgnoreHash(d.Spec.Template, found.Spec?.Template))
            {
                created = ModelCopy.Clone(found);
            }
            else
            {
                // A hash collision: bump collisionCount so the next sync computes another name.
                d.Status ??= new V1DeploymentStatus();
                d.Status.CollisionCount = (d.Status.CollisionCount ?? 0) + 1;
                await actions.UpdateStatusAsync(d, ct);
                throw;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException && !ApiErrors.IsNamespaceTerminating(e))
        {
            var message = $"Failed to create new replica set \"{rs.Metadata.Name}\": {ApiErrors.Message(e)}";
            if (DeploymentConditions.HasProgressDeadline(d))
            {
                d.Status ??= new V1DeploymentStatus();
                DeploymentConditions.Set(d.Status, DeploymentConditions.New(DeploymentConditions.Progressing, "False", DeploymentConditions.FailedRSCreateReason, message, Now));
                try
                {
                    await actions.UpdateStatusAsync(d, ct);
                }
                catch (Exception statusError) when (statusError is not OperationCanceledException)
                {
                    // The create error is the one to report.
                }
            }

            actions.Event(d, "Warning", DeploymentConditions.FailedRSCreateReason, message);
            throw;
        }

        if (!alreadyExists && count > 0)
        {
            actions.Event(d, "Normal", "ScalingReplicaSet", string.Create(CultureInfo.InvariantCulture, $"Scaled up replica set {created.Metadata.Name} from 0 to {count}"));
        }

        var changed = DeploymentAnnotations.SetDeploymentRevision(d, newRevision);
        if (!alreadyExists && DeploymentConditions.HasProgressDeadline(d))
        {
            d.Status ??= new V1DeploymentStatus();
            DeploymentConditions.Set(d.Status, DeploymentConditions.New(DeploymentConditions.Progressing, "True", DeploymentConditions.NewRSReason, $"Created new replica set \"{created.Metadata.Name}\"", Now));
            changed = true;
        }

        if (changed)
        {
            await UpdateStatusKeepingVersionAsync(d, ct);
        }

        rsList.Add(created);
        return created;
    }

    private async Task UpdateStatusKeepingVersionAsync(V1Deployment d, CancellationToken ct)
    {
        var stored = await actions.UpdateStatusAsync(d, ct);
        d.Metadata.ResourceVersion = stored.Metadata?.ResourceVersion ?? d.Metadata.ResourceVersion;
    }
}
