using System.Globalization;
using k8s.Models;
using LocalKube.Node.Controllers.Shared;

namespace LocalKube.Node.Controllers.Deployment;

/// <summary>Status, the progress deadline and history cleanup of a Deployment sync (<c>progress.go</c>, <c>cleanupDeployment</c>).</summary>
public sealed partial class DeploymentSync
{
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
