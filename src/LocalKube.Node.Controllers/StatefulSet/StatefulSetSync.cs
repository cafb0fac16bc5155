using k8s.Models;
using LocalKube.Node.Controllers.Shared;

namespace LocalKube.Node.Controllers.StatefulSet;

/// <summary>
/// One sync of one StatefulSet (<c>UpdateStatefulSet</c>): revisions, then pods in ordinal order (OrderedReady)
/// or all at once (Parallel), scale-down highest first, the rolling update highest first down to the partition,
/// then the status and the revision history.
/// </summary>
public sealed class StatefulSetSync(IStatefulSetActions actions, TimeProvider time)
{
    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>
    /// Syncs <paramref name="set"/> given its claimed <paramref name="pods"/> and <paramref name="revisions"/>.
    /// Returns when to look again (a pod about to become available), if needed.
    /// </summary>
    public async Task<TimeSpan?> SyncAsync(V1StatefulSet set, IReadOnlyList<V1Pod> pods, IReadOnlyList<V1ControllerRevision> revisions, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(set);
        set = ModelCopy.Clone(set);
        var revisionList = revisions.ToList();
        var (current, update, collisionCount) = await StatefulSetRevisions.ResolveAsync(set, revisionList, actions, ct);
        V1StatefulSetStatus status;
        Exception? failure = null;
        try
        {
            status = await UpdateStatefulSetAsync(set, current, update, collisionCount, pods.ToList(), ct);
        }
        catch (StatusException e)
        {
            status = e.Status;
            failure = e.InnerException;
        }

        await UpdateStatusAsync(set, status, ct);
        await StatefulSetRevisions.TruncateAsync(set, pods, revisionList, current.Metadata.Name, update.Metadata.Name, actions, ct);
        if (failure is not null)
        {
            throw failure;
        }

        var minReady = set.Spec.MinReadySeconds ?? 0;
        if (minReady > 0 && (status.AvailableReplicas ?? 0) != status.ReadyReplicas)
        {
            return TimeSpan.FromSeconds(minReady);
        }

        return null;
    }

    // The status and the error raised while it was being computed.
    private sealed class StatusException(V1StatefulSetStatus status, Exception inner) : Exception(inner.Message, inner)
    {
        public V1StatefulSetStatus Status { get; } = status;
    }

    private async Task<V1StatefulSetStatus> UpdateStatefulSetAsync(V1StatefulSet set, V1ControllerRevision currentRevision, V1ControllerRevision updateRevision, int collisionCount, List<V1Pod> pods, CancellationToken ct)
    {
        var currentSet = StatefulSetRevisions.Apply(set, currentRevision);
        var updateSet = StatefulSetRevisions.Apply(set, updateRevision);
        var status = new V1StatefulSetStatus
        {
            ObservedGeneration = set.Metadata.Generation,
            CurrentRevision = currentRevision.Metadata.Name,
            UpdateRevision = updateRevision.Metadata.Name,
            CollisionCount = collisionCount,
        };
        var minReady = set.Spec.MinReadySeconds ?? 0;
        var start = StatefulPods.StartOrdinal(set);
        var replicaCount = set.Spec.Replicas ?? 1;
        var replicas = new V1Pod[replicaCount];
        var condemned = new List<V1Pod>();
        foreach (var pod in pods)
        {
            if (StatefulPods.InOrdinalRange(pod, set))
            {
                replicas[StatefulPods.Ordinal(pod) - start] = pod;
            }
            else if (StatefulPods.Ordinal(pod) >= 0)
            {
                condemned.Add(pod);
            }
        }

        for (var i = 0; i < replicaCount; i++)
        {
            replicas[i] ??= NewVersionedPod(currentSet, updateSet, currentRevision.Metadata.Name, updateRevision.Metadata.Name, i + start);
        }

        condemned.Sort((a, b) => StatefulPods.Ordinal(b).CompareTo(StatefulPods.Ordinal(a)));
        V1Pod? firstUnhealthy = replicas.FirstOrDefault(p => !StatefulPods.IsHealthy(p));
        for (var i = condemned.Count - 1; i >= 0 && firstUnhealthy is null; i--)
        {
            if (!StatefulPods.IsHealthy(condemned[i]))
            {
                firstUnhealthy = condemned[i];
            }
        }

        void Count() => ComputeStatus(status, minReady, Now, currentRevision.Metadata.Name, updateRevision.Metadata.Name, replicas.Concat(condemned));
        Count();
        if (set.Metadata.DeletionTimestamp is not null)
        {
            return status;
        }

        var monotonic = set.Spec.PodManagementPolicy != "Parallel";
        try
        {
            if (await RunForAllAsync(replicas.Length, i => ProcessReplicaAsync(set, currentRevision, updateRevision, currentSet, updateSet, monotonic, replicas, i, ct), monotonic, ct))
            {
                Count();
                return status;
            }

            if (await RunForAllAsync(condemned.Count, i => FixCondemnedClaimsAsync(updateSet, condemned[i], ct), monotonic, ct))
            {
                Count();
                return status;
            }

            if (await RunForAllAsync(condemned.Count, i => ProcessCondemnedAsync(set, firstUnhealthy, monotonic, condemned, i, ct), monotonic, ct))
            {
                Count();
                return status;
            }

            Count();
            if (set.Spec.UpdateStrategy?.Type == "OnDelete")
            {
                return status;
            }

            // Roll: the highest ordinal not at the update revision goes first, down to the partition, one at a time.
            var partition = set.Spec.UpdateStrategy?.RollingUpdate?.Partition ?? 0;
            for (var target = replicas.Length - 1; target >= partition; target--)
            {
                var pod = replicas[target];
                if (StatefulPods.Revision(pod) != updateRevision.Metadata.Name && !PodState.IsTerminating(pod))
                {
                    try
                    {
                        await DeletePodAsync(set, pod, ct);
                    }
                    catch (Exception e) when (ApiErrors.IsNotFound(e))
                    {
                        // Already gone.
                    }

                    status.CurrentReplicas--;
                    return status;
                }

                if (!StatefulPods.IsHealthy(pod))
                {
                    return status;
                }
            }

            return status;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Count();
            throw new StatusException(status, e);
        }
    }

    // newVersionedStatefulSetPod: below the partition, pods are made at the current revision.
    private static V1Pod NewVersionedPod(V1StatefulSet currentSet, V1StatefulSet updateSet, string currentRevision, string updateRevision, int ordinal)
    {
        var start = StatefulPods.StartOrdinal(currentSet);
        var strategy = currentSet.Spec.UpdateStrategy;
        var rolling = (strategy?.Type ?? "RollingUpdate") == "RollingUpdate";
        if ((rolling && strategy?.RollingUpdate is null && ordinal < start)
            || (strategy?.RollingUpdate is { } ru && ordinal < start + (ru.Partition ?? 0)))
        {
            return StatefulPods.New(currentSet, ordinal, currentRevision);
        }

        return StatefulPods.New(updateSet, ordinal, updateRevision);
    }

    // Returns true when the loop must stop here.
    private async Task<bool> ProcessReplicaAsync(V1StatefulSet set, V1ControllerRevision currentRevision, V1ControllerRevision updateRevision, V1StatefulSet currentSet, V1StatefulSet updateSet, bool monotonic, V1Pod[] replicas, int i, CancellationToken ct)
    {
        var pod = replicas[i];
        var phase = PodState.Phase(pod);
        if (phase is "Failed" or "Succeeded")
        {
            if (phase == "Failed")
            {
                actions.Event(set, "Warning", "RecreatingFailedPod", $"StatefulSet {set.Metadata.NamespaceProperty}/{set.Metadata.Name} is recreating failed Pod {pod.Metadata.Name}");
            }
            else
            {
                actions.Event(set, "Normal", "RecreatingTerminatedPod", $"StatefulSet {set.Metadata.NamespaceProperty}/{set.Metadata.Name} is recreating terminated Pod {pod.Metadata.Name}");
            }

            await DeletePodAsync(set, pod, ct);
            pod = replicas[i] = NewVersionedPod(currentSet, updateSet, currentRevision.Metadata.Name, updateRevision.Metadata.Name, i + StatefulPods.StartOrdinal(set));
        }

        if (!StatefulPods.IsCreated(pod))
        {
            if (ClaimIsStale(set, pod))
            {
                return true;
            }

            await CreatePodAsync(set, pod, ct);
            if (monotonic)
            {
                return true;
            }
        }

        if (phase == "Pending")
        {
            await CreateMissingClaimsAsync(set, pod, ct);
        }

        if (monotonic && (PodState.IsTerminating(pod) || !StatefulPods.IsRunningAndReady(pod) || !StatefulPods.IsRunningAndAvailable(pod, set.Spec.MinReadySeconds ?? 0, Now)))
        {
            return true;
        }

        var retentionMatch = ClaimsMatchRetention(updateSet, pod);
        if (StatefulPods.IdentityMatches(set, pod) && StatefulPods.StorageMatches(set, pod) && retentionMatch)
        {
            return false;
        }

        await UpdatePodAsync(updateSet, ModelCopy.Clone(pod), ct);
        return false;
    }

    private async Task<bool> FixCondemnedClaimsAsync(V1StatefulSet updateSet, V1Pod pod, CancellationToken ct)
    {
        if (!ClaimsMatchRetention(updateSet, pod))
        {
            await UpdateClaimsForRetentionAsync(updateSet, pod, ct);
        }

        return false;
    }

    private async Task<bool> ProcessCondemnedAsync(V1StatefulSet set, V1Pod? firstUnhealthy, bool monotonic, List<V1Pod> condemned, int i, CancellationToken ct)
    {
        var pod = condemned[i];
        if (PodState.IsTerminating(pod))
        {
            return monotonic;
        }

        if (monotonic && !ReferenceEquals(pod, firstUnhealthy)
            && (!StatefulPods.IsRunningAndReady(pod) || !StatefulPods.IsRunningAndAvailable(pod, set.Spec.MinReadySeconds ?? 0, Now)))
        {
            return true;
        }

        await DeletePodAsync(set, pod, ct);
        return true;
    }

    // runForAll: in order until a step says stop (OrderedReady), or every index in slow-start batches (Parallel).
    private static async Task<bool> RunForAllAsync(int count, Func<int, Task<bool>> step, bool monotonic, CancellationToken ct)
    {
        if (monotonic)
        {
            for (var i = 0; i < count; i++)
            {
                if (await step(i))
                {
                    return true;
                }
            }

            return false;
        }

        var next = 0;
        var (_, error) = await SlowStart.RunAsync(count, async _ =>
        {
            var i = Interlocked.Increment(ref next) - 1;
            await step(i);
        }, ct);
        if (error is not null)
        {
            throw error;
        }

        return false;
    }

    private static void ComputeStatus(V1StatefulSetStatus status, int minReady, DateTime now, string current, string update, IEnumerable<V1Pod> pods)
    {
        int replicas = 0, ready = 0, available = 0, currentCount = 0, updated = 0;
        foreach (var pod in pods)
        {
            if (StatefulPods.IsCreated(pod))
            {
                replicas++;
            }

            if (StatefulPods.IsRunningAndReady(pod))
            {
                ready++;
                if (StatefulPods.IsRunningAndAvailable(pod, minReady, now))
                {
                    available++;
                }
            }

            if (StatefulPods.IsCreated(pod) && !PodState.IsTerminating(pod))
            {
                var revision = StatefulPods.Revision(pod);
                if (revision == current)
                {
                    currentCount++;
                }

                if (revision == update)
                {
                    updated++;
                }
            }
        }

        status.Replicas = replicas;
        status.ReadyReplicas = ready;
        status.AvailableReplicas = available;
        status.CurrentReplicas = currentCount;
        status.UpdatedReplicas = updated;
    }

    // completeRollingUpdate, then write only a changed status.
    private async Task UpdateStatusAsync(V1StatefulSet set, V1StatefulSetStatus status, CancellationToken ct)
    {
        if ((set.Spec.UpdateStrategy?.Type ?? "RollingUpdate") == "RollingUpdate"
            && status.UpdatedReplicas == status.Replicas && status.ReadyReplicas == status.Replicas)
        {
            status.CurrentReplicas = status.UpdatedReplicas;
            status.CurrentRevision = status.UpdateRevision;
        }

        var old = set.Status ?? new V1StatefulSetStatus();
        status.Conditions = old.Conditions;
        if ((old.ObservedGeneration ?? 0) == (status.ObservedGeneration ?? 0)
            && old.Replicas == status.Replicas
            && (old.CurrentReplicas ?? 0) == (status.CurrentReplicas ?? 0)
            && (old.ReadyReplicas ?? 0) == (status.ReadyReplicas ?? 0)
            && (old.UpdatedReplicas ?? 0) == (status.UpdatedReplicas ?? 0)
            && (old.AvailableReplicas ?? 0) == (status.AvailableReplicas ?? 0)
            && old.CurrentRevision == status.CurrentRevision
            && old.UpdateRevision == status.UpdateRevision
            && (old.CollisionCount ?? 0) == (status.CollisionCount ?? 0))
        {
            return;
        }

        set.Status = status;
        await actions.UpdateStatusAsync(set, ct);
    }

    private bool ClaimIsStale(V1StatefulSet set, V1Pod pod)
    {
        foreach (var (_, claim) in StatefulPods.Claims(set, StatefulPods.Ordinal(pod)))
        {
            if (actions.GetClaim(claim.Metadata.NamespaceProperty, claim.Metadata.Name) is { } existing && ClaimRetention.IsStale(existing, set, pod))
            {
                return true;
            }
        }

        return false;
    }

    private bool ClaimsMatchRetention(V1StatefulSet set, V1Pod pod)
    {
        foreach (var (_, claim) in StatefulPods.Claims(set, StatefulPods.Ordinal(pod)))
        {
            if (actions.GetClaim(claim.Metadata.NamespaceProperty, claim.Metadata.Name) is { } existing && !ClaimRetention.IsUpToDate(existing, set, pod))
            {
                return false;
            }
        }

        return true;
    }

    private async Task UpdateClaimsForRetentionAsync(V1StatefulSet set, V1Pod pod, CancellationToken ct)
    {
        foreach (var (_, claim) in StatefulPods.Claims(set, StatefulPods.Ordinal(pod)))
        {
            if (actions.GetClaim(claim.Metadata.NamespaceProperty, claim.Metadata.Name) is not { } existing)
            {
                continue;
            }

            if (ClaimRetention.HasUnexpectedController(existing, set, pod))
            {
                actions.Event(set, "Warning", "ConflictingController", $"PersistentVolumeClaim {existing.Metadata.Name} has a conflicting OwnerReference that acts as a manging controller, the retention policy is ignored for this claim");
            }

            if (!ClaimRetention.IsUpToDate(existing, set, pod))
            {
                var copy = ModelCopy.Clone(existing);
                ClaimRetention.Update(copy, set, pod);
                try
                {
                    await actions.UpdateClaimAsync(copy, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    throw new InvalidOperationException($"could not update claim {existing.Metadata.Name} for delete policy ownerRefs: {ApiErrors.Message(e)}", e);
                }
            }
        }
    }

    // CreateStatefulPod: claims first, then the pod; events for both.
    private async Task CreatePodAsync(V1StatefulSet set, V1Pod pod, CancellationToken ct)
    {
        try
        {
            await CreateClaimsAsync(set, pod, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            RecordPodEvent("create", set, pod, e);
            throw;
        }

        try
        {
            await actions.CreatePodAsync(pod, ct);
        }
        catch (Exception e) when (ApiErrors.IsAlreadyExists(e))
        {
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            RecordPodEvent("create", set, pod, e);
            throw;
        }

        RecordPodEvent("create", set, pod, null);
    }

    private async Task CreateMissingClaimsAsync(V1StatefulSet set, V1Pod pod, CancellationToken ct)
    {
        try
        {
            await CreateClaimsAsync(set, pod, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            RecordPodEvent("update", set, pod, e);
            throw;
        }
    }

    private async Task CreateClaimsAsync(V1StatefulSet set, V1Pod pod, CancellationToken ct)
    {
        var errors = new List<string>();
        foreach (var (_, claim) in StatefulPods.Claims(set, StatefulPods.Ordinal(pod)))
        {
            var existing = actions.GetClaim(claim.Metadata.NamespaceProperty, claim.Metadata.Name);
            if (existing is null)
            {
                try
                {
                    await actions.CreateClaimAsync(claim, ct);
                    RecordClaimEvent(set, pod, claim, null);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    errors.Add($"failed to create PVC {claim.Metadata.Name}: {ApiErrors.Message(e)}");
                    if (!ApiErrors.IsAlreadyExists(e))
                    {
                        RecordClaimEvent(set, pod, claim, e);
                    }
                }
            }
            else if (existing.Metadata.DeletionTimestamp is not null)
            {
                errors.Add($"pvc {claim.Metadata.Name} is being deleted");
            }
        }

        if (errors.Count > 0)
        {
            // utilerrors.NewAggregate: one error as is, several as a bracketed list.
            throw new InvalidOperationException(errors.Count == 1 ? errors[0] : "[" + string.Join(", ", errors) + "]");
        }
    }

    // UpdateStatefulPod: identity, storage and claim ownership; the event only when an update was attempted.
    private async Task UpdatePodAsync(V1StatefulSet set, V1Pod pod, CancellationToken ct)
    {
        var consistent = true;
        try
        {
            if (!StatefulPods.IdentityMatches(set, pod))
            {
                StatefulPods.UpdateIdentity(set, pod);
                consistent = false;
            }

            if (!StatefulPods.StorageMatches(set, pod))
            {
                StatefulPods.UpdateStorage(set, pod);
                consistent = false;
                await CreateClaimsAsync(set, pod, ct);
            }

            if (!ClaimsMatchRetention(set, pod))
            {
                await UpdateClaimsForRetentionAsync(set, pod, ct);
                consistent = false;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            RecordPodEvent("update", set, pod, e);
            throw;
        }

        if (consistent)
        {
            return;
        }

        try
        {
            await actions.UpdatePodAsync(pod, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            RecordPodEvent("update", set, pod, e);
            throw;
        }

        RecordPodEvent("update", set, pod, null);
    }

    private async Task DeletePodAsync(V1StatefulSet set, V1Pod pod, CancellationToken ct)
    {
        try
        {
            await actions.DeletePodAsync(pod, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            RecordPodEvent("delete", set, pod, e);
            throw;
        }

        RecordPodEvent("delete", set, pod, null);
    }

    private void RecordPodEvent(string verb, V1StatefulSet set, V1Pod pod, Exception? error)
    {
        var title = char.ToUpperInvariant(verb[0]) + verb[1..];
        if (error is null)
        {
            actions.Event(set, "Normal", "Successful" + title, $"{verb} Pod {pod.Metadata.Name} in StatefulSet {set.Metadata.Name} successful");
        }
        else
        {
            actions.Event(set, "Warning", "Failed" + title, $"{verb} Pod {pod.Metadata.Name} in StatefulSet {set.Metadata.Name} failed error: {ApiErrors.Message(error)}");
        }
    }

    private void RecordClaimEvent(V1StatefulSet set, V1Pod pod, V1PersistentVolumeClaim claim, Exception? error)
    {
        if (error is null)
        {
            actions.Event(set, "Normal", "SuccessfulCreate", $"create Claim {claim.Metadata.Name} Pod {pod.Metadata.Name} in StatefulSet {set.Metadata.Name} success");
        }
        else
        {
            actions.Event(set, "Warning", "FailedCreate", $"create Claim {claim.Metadata.Name} for Pod {pod.Metadata.Name} in StatefulSet {set.Metadata.Name} failed error: {ApiErrors.Message(error)}");
        }
    }
}
