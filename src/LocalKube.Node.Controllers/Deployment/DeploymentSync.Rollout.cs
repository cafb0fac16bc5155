using System.Globalization;
using k8s.Models;
using LocalKube.Node.Controllers.Shared;

namespace LocalKube.Node.Controllers.Deployment;

/// <summary>Rolling, Recreate and proportional scaling steps of a Deployment sync (<c>rolling.go</c>, <c>recreate.go</c>, <c>sync.go scale</c>).</summary>
public sealed partial class DeploymentSync
{
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
}
