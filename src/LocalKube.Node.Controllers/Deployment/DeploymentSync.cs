using System.Globalization;
using k8s.Models;
using LocalKube.Node.Controllers.Shared;

namespace LocalKube.Node.Controllers.Deployment;

/// <summary>
/// One sync of one Deployment (<c>syncDeployment</c> and its rolling, recreate, scale and status steps), given
/// the ReplicaSets it owns and their pods. Every write goes through <see cref="IDeploymentActions"/>.
/// </summary>
public sealed class DeploymentSync(IDeploymentActions actions, TimeProvider time)
{
    /// <summary>The apps/v1 kind written into controller references.</summary>
    public const string Kind = "Deployment";

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>
    /// Syncs <paramref name="d"/> (a copy the sync may change). <paramref name="podsByReplicaSet"/> maps an RS uid
    /// to its pods. Returns when to look again, if a timer is needed (progress deadline).
    /// </summary>
    public async Task<TimeSpan?> SyncAsync(V1Deployment d, IReadOnlyList<V1ReplicaSet> replicaSets, IReadOnlyDictionary<string, List<V1Pod>> podsByReplicaSet, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(d);
        ArgumentNullException.ThrowIfNull(replicaSets);
        var rsList = replicaSets.Select(ModelCopy.Clone).ToList();
        if (d.Spec?.Selector is { } selector && (selector.MatchLabels?.Count ?? 0) == 0 && (selector.MatchExpressions?.Count ?? 0) == 0)
        {
            actions.Event(d, "Warning", "SelectingAll", "This deployment is selecting all pods. A non-empty selector is required.");
            if ((d.Status?.ObservedGeneration ?? 0) < (d.Metadata.Generation ?? 0))
            {
                d.Status ??= new V1DeploymentStatus();
                d.Status.ObservedGeneration = d.Metadata.Generation;
                await actions.UpdateStatusAsync(d, cancellationToken);
            }

            return null;
        }

        if (d.Metadata.DeletionTimestamp is not null)
        {
            await SyncStatusOnlyAsync(d, rsList, cancellationToken);
            return null;
        }

        await CheckPausedConditionsAsync(d, cancellationToken);
        if (d.Spec?.Paused == true)
        {
            await ScaleSyncAsync(d, rsList, cancellationToken);
            return null;
        }

        if (IsScalingEvent(d, rsList))
        {
            await ScaleSyncAsync(d, rsList, cancellationToken);
            return null;
        }

        return RolloutMath.IsRollingUpdate(d)
            ? await RolloutRollingAsync(d, rsList, cancellationToken)
            : await RolloutRecreateAsync(d, rsList, podsByReplicaSet, cancellationToken);
    }

    // sync: proportional scaling for a paused Deployment or a scaling event, then cleanup (paused) and status.
    private async Task ScaleSyncAsync(V1Deployment d, List<V1ReplicaSet> rsList, CancellationToken ct)
    {
        var (newRS, oldRSs) = await GetAllReplicaSetsAndSyncRevisionAsync(d, rsList, create: false, ct);
        await ScaleAsync(d, newRS, oldRSs, ct);
        if (d.Spec?.Paused == true)
        {
            await CleanupAsync(d, oldRSs, ct);
        }

        await SyncDeploymentStatusAsync(d, [.. oldRSs, newRS], newRS, ct);
    }

    private async Task SyncStatusOnlyAsync(V1Deployment d, List<V1ReplicaSet> rsList, CancellationToken ct)
    {
        var (newRS, oldRSs) = await GetAllReplicaSetsAndSyncRevisionAsync(d, rsList, create: false, ct);
        await SyncDeploymentStatusAsync(d, [.. oldRSs, newRS], newRS, ct);
    }

    private async Task SyncDeploymentStatusAsync(V1Deployment d, List<V1ReplicaSet?> all, V1ReplicaSet? newRS, CancellationToken ct)
    {
        var status = DeploymentStatusMath.Calculate(all, newRS, d, Now);
        if (DeploymentStatusMath.SameAs(d.Status, status))
        {
            return;
        }

        d.Status = status;
        await actions.UpdateStatusAsync(d, ct);
    }

    // Progressing=Unknown DeploymentPaused / DeploymentResumed, never over ProgressDeadlineExceeded.
    private async Task CheckPausedConditionsAsync(V1Deployment d, CancellationToken ct)
    {
        if (!DeploymentConditions.HasProgressDeadline(d))
        {
            return;
        }

        var condition = DeploymentConditions.Get(d.Status, DeploymentConditions.Progressing);
        if (condition?.Reason == DeploymentConditions.TimedOutReason)
        {
            return;
        }

        var pausedExists = condition?.Reason == DeploymentConditions.PausedReason;
        var paused = d.Spec?.Paused == true;
        V1DeploymentCondition? next = null;
        if (paused && !pausedExists)
        {
            next = DeploymentConditions.New(DeploymentConditions.Progressing, "Unknown", DeploymentConditions.PausedReason, "Deployment is paused", Now);
        }
        else if (!paused && pausedExists)
        {
            next = DeploymentConditions.New(DeploymentConditions.Progressing, "Unknown", DeploymentConditions.ResumedReason, "Deployment is resumed", Now);
        }

        if (next is null)
        {
            return;
        }

        d.Status ??= new V1DeploymentStatus();
        DeploymentConditions.Set(d.Status, next);
        var stored = await actions.UpdateStatusAsync(d, ct);
        d.Metadata.ResourceVersion = stored.Metadata?.ResourceVersion ?? d.Metadata.ResourceVersion;
    }

    // A scaling event: an active RS whose desired-replicas annotation differs from spec.replicas.
    private static bool IsScalingEvent(V1Deployment d, List<V1ReplicaSet> rsList)
    {
        var newRS = FindNewReplicaSet(d, rsList);
        var all = rsList.Where(rs => !ReferenceEquals(rs, newRS)).Append(newRS);
        foreach (var rs in RolloutMath.Active(all))
        {
            if (DeploymentAnnotations.IntAnnotation(rs.Metadata, DeploymentAnnotations.DesiredReplicas) is { } desired
                && desired != RolloutMath.Replicas(d))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// <c>FindNewReplicaSet</c>: the oldest RS whose template equals the Deployment's, ignoring the hash label.
    /// </summary>
    public static V1ReplicaSet? FindNewReplicaSet(V1Deployment d, IEnumerable<V1ReplicaSet> rsList)
    {
        foreach (var rs in ObjectOrder.OldestFirst(rsList))
        {
            if (EqualIgnoreHash(rs.Spec?.Template, d.Spec?.Template))
            {
                return rs;
            }
        }

        return null;
    }

    /// <summary><c>EqualIgnoreHash</c>: semantic equality of two templates without the pod-template-hash label.</summary>
    public static bool EqualIgnoreHash(V1PodTemplateSpec? a, V1PodTemplateSpec? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        var x = SemanticEquality.Normalize(a);
        var y = SemanticEquality.Normalize(b);
        RemoveHashLabel(x);
        RemoveHashLabel(y);
        return System.Text.Json.Nodes.JsonNode.DeepEquals(x, y);
    }

    private static void RemoveHashLabel(System.Text.Json.Nodes.JsonNode? template)
    {
        if (template?["metadata"]?["labels"] is System.Text.Json.Nodes.JsonObject labels)
        {
            labels.Remove(DeploymentAnnotations.PodTemplateHashLabel);
            if (labels.Count == 0 && template["metadata"] is System.Text.Json.Nodes.JsonObject meta)
            {
                meta.Remove("labels");
                if (meta.Count == 0 && template is System.Text.Json.Nodes.JsonObject t)
                {
                    t.Remove("metadata");
                }
            }
        }
    }

    private async Task<TimeSpan?> RolloutRollingAsync(V1Deployment d, List<V1ReplicaSet> rsList, CancellationToken ct)
    {
        var (newRS, oldRSs) = await GetAllReplicaSetsAndSyncRevisionAsync(d, rsList, create: true, ct);
        if (newRS is null)
        {
            return null;
        }

        List<V1ReplicaSet?> all = [.. oldRSs, newRS];
        if (await ReconcileNewReplicaSetAsync(all, newRS, d, ct))
        {
            return await SyncRolloutStatusAsync(d, all, newRS, ct);
        }

        if (await ReconcileOldReplicaSetsAsync(all, RolloutMath.Active(oldRSs), newRS, d, ct))
        {
            return await SyncRolloutStatusAsync(d, all, newRS, ct);
        }

        if (DeploymentStatusMath.IsComplete(d, d.Status ?? new V1DeploymentStatus()))
        {
            await CleanupAsync(d, oldRSs, ct);
        }

        return await SyncRolloutStatusAsync(d, all, newRS, ct);
    }

    private async Task<TimeSpan?> RolloutRecreateAsync(V1Deployment d, List<V1ReplicaSet> rsList, IReadOnlyDictionary<string, List<V1Pod>> pods, CancellationToken ct)
    {
        var (newRS, oldRSs) = await GetAllReplicaSetsAndSyncRevisionAsync(d, rsList, create: false, ct);
        List<V1ReplicaSet?> all = [.. oldRSs, newRS];
        var scaledDown = false;
        foreach (var rs in RolloutMath.Active(oldRSs))
        {
            var (scaled, _) = await ScaleReplicaSetAndRecordEventAsync(rs, 0, d, ct);
            scaledDown |= scaled;
        }

        if (scaledDown || OldPodsRunning(newRS, oldRSs, pods))
        {
            return await SyncRolloutStatusAsync(d, all, newRS, ct);
        }

        if (newRS is null)
        {
            (newRS, oldRSs) = await GetAllReplicaSetsAndSyncRevisionAsync(d, rsList, create: true, ct);
            all = [.. oldRSs, newRS];
            if (newRS is null)
            {
                return null;
            }
        }

        await ScaleReplicaSetAndRecordEventAsync(newRS, RolloutMath.Replicas(d), d, ct);
        if (DeploymentStatusMath.IsComplete(d, d.Status ?? new V1DeploymentStatus()))
        {
            await CleanupAsync(d, oldRSs, ct);
        }

        return await SyncRolloutStatusAsync(d, all, newRS, ct);
    }

    /// <summary>
    /// <c>oldPodsRunning</c>: old RSes still report pods, or an old pod (by the pod map) is not Succeeded/Failed.
    /// </summary>
    public static bool OldPodsRunning(V1ReplicaSet? newRS, IEnumerable<V1ReplicaSet> oldRSs, IReadOnlyDictionary<string, List<V1Pod>> pods)
    {
        if (RolloutMath.ActualReplicas(oldRSs) > 0)
        {
            return true;
        }

        foreach (var (uid, list) in pods)
        {
            if (newRS is not null && newRS.Metadata.Uid == uid)
            {
                continue;
            }

            if (list.Any(p => !PodState.IsTerminal(p)))
            {
                return true;
            }
        }

        return false;
    }

    private async Task<bool> ReconcileNewReplicaSetAsync(List<V1ReplicaSet?> all, V1ReplicaSet newRS, V1Deployment d, CancellationToken ct)
    {
        var replicas = RolloutMath.Replicas(d);
        if (RolloutMath.Replicas(newRS) == replicas)
        {
            return false;
        }

        var target = RolloutMath.Replicas(newRS) > replicas ? replicas : RolloutMath.NewReplicaSetReplicas(d, all, newRS);
        var (scaled, _) = await ScaleReplicaSetAndRecordEventAsync(newRS, target, d, ct);
        return scaled;
    }

    private async Task<bool> ReconcileOldReplicaSetsAsync(List<V1ReplicaSet?> all, List<V1ReplicaSet> oldRSs, V1ReplicaSet newRS, V1Deployment d, CancellationToken ct)
    {
        if (RolloutMath.SpecReplicas(oldRSs) == 0)
        {
            return false;
        }

        var allPods = RolloutMath.SpecReplicas(all);
        var minAvailable = RolloutMath.Replicas(d) - RolloutMath.MaxUnavailable(d);
        var newUnavailable = RolloutMath.Replicas(newRS) - (newRS.Status?.AvailableReplicas ?? 0);
        var maxScaledDown = allPods - minAvailable - newUnavailable;
        if (maxScaledDown <= 0)
        {
            return false;
        }

        var cleaned = await CleanupUnhealthyReplicasAsync(oldRSs, d, maxScaledDown, ct);
        var scaled = await ScaleDownOldReplicaSetsForRollingUpdateAsync([.. oldRSs, newRS], oldRSs, d, ct);
        return cleaned + scaled > 0;
    }

    // Old RSes with unavailable replicas shrink first (oldest first), up to the budget; the RS controller then
    // deletes their not-ready pods first.
    private async Task<int> CleanupUnhealthyReplicasAsync(List<V1ReplicaSet> oldRSs, V1Deployment d, int maxCleanup, CancellationToken ct)
    {
        oldRSs.Sort((a, b) => ObjectOrder.ByCreation(a, b));
        var total = 0;
        for (var i = 0; i < oldRSs.Count; i++)
        {
            if (total >= maxCleanup)
            {
                break;
            }

            var rs = oldRSs[i];
            var spec = RolloutMath.Replicas(rs);
            var available = rs.Status?.AvailableReplicas ?? 0;
            if (spec == 0 || spec == available)
            {
                continue;
            }

            var count = Math.Min(maxCleanup - total, spec - available);
            var (_, updated) = await ScaleReplicaSetAndRecordEventAsync(rs, spec - count, d, ct);
            total += count;
            oldRSs[i] = updated;
        }

        return total;
    }

    private async Task<int> ScaleDownOldReplicaSetsForRollingUpdateAsync(List<V1ReplicaSet?> all, List<V1ReplicaSet> oldRSs, V1Deployment d, CancellationToken ct)
    {
        var minAvailable = RolloutMath.Replicas(d) - RolloutMath.MaxUnavailable(d);
        var available = RolloutMath.AvailableReplicas(all);
        if (available <= minAvailable)
        {
            return 0;
        }

        oldRSs.Sort((a, b) => ObjectOrder.ByCreation(a, b));
        var total = 0;
        var target = available - minAvailable;
        foreach (var rs in oldRSs)
        {
            if (total >= target)
            {
                break;
            }

            var spec = RolloutMath.Replicas(rs);
            if (spec == 0)
            {
                continue;
            }

            var count = Math.Min(spec, target - total);
            await ScaleReplicaSetAndRecordEventAsync(rs, spec - count, d, ct);
            total += count;
        }

        return total;
    }

    private async Task ScaleAsync(V1Deployment d, V1ReplicaSet? newRS, List<V1ReplicaSet> oldRSs, CancellationToken ct)
    {
        if (RolloutMath.ActiveOrLatest(newRS, oldRSs) is { } only)
        {
            if (RolloutMath.Replicas(only) != RolloutMath.Replicas(d))
            {
                await ScaleReplicaSetAndRecordEventAsync(only, RolloutMath.Replicas(d), d, ct);
            }

            return;
        }

        if (RolloutMath.IsSaturated(d, newRS))
        {
            foreach (var old in RolloutMath.Active(oldRSs))
            {
                await ScaleReplicaSetAndRecordEventAsync(old, 0, d, ct);
            }

            return;
        }

        if (!RolloutMath.IsRollingUpdate(d))
        {
            return;
        }

        foreach (var (rs, size, operation) in RolloutMath.ProportionalSizes(d, newRS, oldRSs))
        {
            await ScaleReplicaSetAsync(rs, size, d, operation, ct);
        }
    }

    private async Task<(bool Scaled, V1ReplicaSet ReplicaSet)> ScaleReplicaSetAndRecordEventAsync(V1ReplicaSet rs, int size, V1Deployment d, CancellationToken ct)
    {
        if (RolloutMath.Replicas(rs) == size)
        {
            return (false, rs);
        }

        return await ScaleReplicaSetAsync(rs, size, d, RolloutMath.Replicas(rs) < size ? "up" : "down", ct);
    }

    // scaleReplicaSet: writes the size and the replica annotations; the event only when the size changed.
    private async Task<(bool Scaled, V1ReplicaSet ReplicaSet)> ScaleReplicaSetAsync(V1ReplicaSet rs, int size, V1Deployment d, string operation, CancellationToken ct)
    {
        var replicas = RolloutMath.Replicas(d);
        var max = replicas + RolloutMath.MaxSurge(d);
        var sizeChanged = RolloutMath.Replicas(rs) != size;
        if (!sizeChanged && !DeploymentAnnotations.ReplicasAnnotationsNeedUpdate(rs, replicas, max))
        {
            return (false, rs);
        }

        var old = RolloutMath.Replicas(rs);
        var copy = ModelCopy.Clone(rs);
        copy.Spec.Replicas = size;
        DeploymentAnnotations.SetReplicasAnnotations(copy, replicas, max);
        var updated = await actions.UpdateReplicaSetAsync(copy, ct);
        Replace(rs, updated);
        if (sizeChanged)
        {
            actions.Event(d, "Normal", "ScalingReplicaSet", string.Create(CultureInfo.InvariantCulture, $"Scaled {operation} replica set {updated.Metadata.Name} from {old} to {size}"));
        }

        return (sizeChanged, rs);
    }

    // The caller's lists hold the RS object: keep them current with what the server returned.
    private static void Replace(V1ReplicaSet target, V1ReplicaSet source)
    {
        target.Metadata = source.Metadata;
        target.Spec = source.Spec;
        target.Status = source.Status;
    }

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

    // syncRolloutStatus: status plus the Progressing estimate and the mirrored ReplicaFailure condition; returns
    // when to check the deadline again.
    private async Task<TimeSpan?> SyncRolloutStatusAsync(V1Deployment d, List<V1ReplicaSet?> all, V1ReplicaSet? newRS, CancellationToken ct)
    {
        var now = Now;
        var status = DeploymentStatusMath.Calculate(all, newRS, d, now);
        var hasDeadline = DeploymentConditions.HasProgressDeadline(d);
        if (!hasDeadline)
        {
            DeploymentConditions.Remove(status, DeploymentConditions.Progressing);
        }

        var current = DeploymentConditions.Get(d.Status, DeploymentConditions.Progressing);
        var isComplete = (status.Replicas ?? 0) == (status.UpdatedReplicas ?? 0) && current?.Reason == DeploymentConditions.NewRSAvailableReason;
        if (hasDeadline && !isComplete)
        {
            if (DeploymentStatusMath.IsComplete(d, status))
            {
                var message = newRS is not null ? $"ReplicaSet \"{newRS.Metadata.Name}\" has successfully progressed." : $"Deployment \"{d.Metadata.Name}\" has successfully progressed.";
                DeploymentConditions.Set(status, DeploymentConditions.New(DeploymentConditions.Progressing, "True", DeploymentConditions.NewRSAvailableReason, message, now));
            }
            else if (DeploymentStatusMath.IsProgressing(d, status))
            {
                var message = newRS is not null ? $"ReplicaSet \"{newRS.Metadata.Name}\" is progressing." : $"Deployment \"{d.Metadata.Name}\" is progressing.";
                var condition = DeploymentConditions.New(DeploymentConditions.Progressing, "True", DeploymentConditions.ReplicaSetUpdatedReason, message, now);
                if (current is not null)
                {
                    if (current.Status == "True")
                    {
                        condition.LastTransitionTime = current.LastTransitionTime;
                    }

                    DeploymentConditions.Remove(status, DeploymentConditions.Progressing);
                }

                DeploymentConditions.Set(status, condition);
            }
            else if (DeploymentStatusMath.IsTimedOut(d, status, now))
            {
                var message = newRS is not null ? $"ReplicaSet \"{newRS.Metadata.Name}\" has timed out progressing." : $"Deployment \"{d.Metadata.Name}\" has timed out progressing.";
                DeploymentConditions.Set(status, DeploymentConditions.New(DeploymentConditions.Progressing, "False", DeploymentConditions.TimedOutReason, message, now));
            }
        }

        if (ReplicaFailures(all, newRS) is { } failure)
        {
            DeploymentConditions.Set(status, failure);
        }
        else
        {
            DeploymentConditions.Remove(status, DeploymentConditions.ReplicaFailure);
        }

        if (DeploymentStatusMath.SameAs(d.Status, status))
        {
            return RequeueStuck(d, status, now);
        }

        d.Status = status;
        await actions.UpdateStatusAsync(d, ct);
        return null;
    }

    // The new RS's ReplicaFailure first, else any old one's.
    private static V1DeploymentCondition? ReplicaFailures(List<V1ReplicaSet?> all, V1ReplicaSet? newRS)
    {
        var fromNew = newRS?.Status?.Conditions?.FirstOrDefault(c => c.Type == DeploymentConditions.ReplicaFailure);
        if (fromNew is not null)
        {
            return DeploymentConditions.FromReplicaSet(fromNew);
        }

        foreach (var rs in all)
        {
            if (rs?.Status?.Conditions?.FirstOrDefault(c => c.Type == DeploymentConditions.ReplicaFailure) is { } c)
            {
                return DeploymentConditions.FromReplicaSet(c);
            }
        }

        return null;
    }

    // requeueStuckDeployment: look again when the deadline would pass (plus a second for clock skew).
    private static TimeSpan? RequeueStuck(V1Deployment d, V1DeploymentStatus status, DateTime now)
    {
        var current = DeploymentConditions.Get(d.Status, DeploymentConditions.Progressing);
        if (!DeploymentConditions.HasProgressDeadline(d) || current is null)
        {
            return null;
        }

        if (DeploymentStatusMath.IsComplete(d, status) || current.Reason == DeploymentConditions.TimedOutReason)
        {
            return null;
        }

        var after = (current.LastUpdateTime?.ToUniversalTime() ?? now).AddSeconds(d.Spec.ProgressDeadlineSeconds!.Value) - now;
        return after < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : after + TimeSpan.FromSeconds(1);
    }

    // cleanupDeployment: delete old RSes beyond revisionHistoryLimit, lowest revision first, only when empty.
    private async Task CleanupAsync(V1Deployment d, List<V1ReplicaSet> oldRSs, CancellationToken ct)
    {
        if (d.Spec?.RevisionHistoryLimit is not { } limit)
        {
            return;
        }

        var cleanable = oldRSs.Where(rs => rs.Metadata.DeletionTimestamp is null).ToList();
        var diff = cleanable.Count - limit;
        if (diff <= 0)
        {
            return;
        }

        cleanable.Sort((a, b) =>
        {
            var c = DeploymentAnnotations.RevisionOf(a.Metadata).CompareTo(DeploymentAnnotations.RevisionOf(b.Metadata));
            return c != 0 ? c : ObjectOrder.ByCreation(a, b);
        });
        for (var i = 0; i < diff; i++)
        {
            var rs = cleanable[i];
            if ((rs.Status?.Replicas ?? 0) != 0 || RolloutMath.Replicas(rs) != 0
                || (rs.Metadata.Generation ?? 0) > (rs.Status?.ObservedGeneration ?? 0) || rs.Metadata.DeletionTimestamp is not null)
            {
                continue;
            }

            await actions.DeleteReplicaSetAsync(rs, ct);
        }
    }
}
