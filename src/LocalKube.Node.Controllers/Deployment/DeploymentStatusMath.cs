using k8s.Models;

namespace LocalKube.Node.Controllers.Deployment;

/// <summary>The Deployment status and the rollout predicates built on it.</summary>
public static class DeploymentStatusMath
{
    /// <summary>
    /// <c>calculateStatus</c>: counts are sums of the RSes' status fields; unavailable is Σ spec − available, not
    /// below 0; Available follows replicas − maxUnavailable. Other conditions are carried over.
    /// </summary>
    public static V1DeploymentStatus Calculate(IReadOnlyList<V1ReplicaSet?> all, V1ReplicaSet? newRS, V1Deployment d, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(d);
        var available = RolloutMath.AvailableReplicas(all);
        var total = RolloutMath.SpecReplicas(all);
        var status = new V1DeploymentStatus
        {
            ObservedGeneration = d.Metadata?.Generation ?? 0,
            Replicas = RolloutMath.ActualReplicas(all),
            UpdatedReplicas = RolloutMath.ActualReplicas([newRS]),
            ReadyReplicas = RolloutMath.ReadyReplicas(all),
            AvailableReplicas = available,
            UnavailableReplicas = Math.Max(0, total - available),
            CollisionCount = d.Status?.CollisionCount,
            Conditions = d.Status?.Conditions?.Select(Copy).ToList() ?? [],
        };

        if (available >= RolloutMath.Replicas(d) - RolloutMath.MaxUnavailable(d))
        {
            DeploymentConditions.Set(status, DeploymentConditions.New(DeploymentConditions.Available, "True", DeploymentConditions.MinimumReplicasAvailable, "Deployment has minimum availability.", now));
        }
        else
        {
            DeploymentConditions.Set(status, DeploymentConditions.New(DeploymentConditions.Available, "False", DeploymentConditions.MinimumReplicasUnavailable, "Deployment does not have minimum availability.", now));
        }

        return status;
    }

    /// <summary><c>DeploymentComplete</c>: updated = replicas = available = spec.replicas, generation observed.</summary>
    public static bool IsComplete(V1Deployment d, V1DeploymentStatus status)
    {
        var replicas = RolloutMath.Replicas(d);
        return (status.UpdatedReplicas ?? 0) == replicas
            && (status.Replicas ?? 0) == replicas
            && (status.AvailableReplicas ?? 0) == replicas
            && (status.ObservedGeneration ?? 0) >= (d.Metadata?.Generation ?? 0);
    }

    /// <summary>
    /// <c>DeploymentProgressing</c>: more updated, fewer old, or more ready or available than the stored status.
    /// </summary>
    public static bool IsProgressing(V1Deployment d, V1DeploymentStatus status)
    {
        var old = d.Status ?? new V1DeploymentStatus();
        var oldOld = (old.Replicas ?? 0) - (old.UpdatedReplicas ?? 0);
        var newOld = (status.Replicas ?? 0) - (status.UpdatedReplicas ?? 0);
        return (status.UpdatedReplicas ?? 0) > (old.UpdatedReplicas ?? 0)
            || newOld < oldOld
            || (status.ReadyReplicas ?? 0) > (old.ReadyReplicas ?? 0)
            || (status.AvailableReplicas ?? 0) > (old.AvailableReplicas ?? 0);
    }

    /// <summary>
    /// <c>DeploymentTimedOut</c>: the Progressing condition's lastUpdateTime plus the deadline is past; never after
    /// a completed rollout, always once timed out.
    /// </summary>
    public static bool IsTimedOut(V1Deployment d, V1DeploymentStatus status, DateTime now)
    {
        if (!DeploymentConditions.HasProgressDeadline(d))
        {
            return false;
        }

        var condition = DeploymentConditions.Get(status, DeploymentConditions.Progressing);
        if (condition is null || condition.Reason == DeploymentConditions.NewRSAvailableReason)
        {
            return false;
        }

        if (condition.Reason == DeploymentConditions.TimedOutReason)
        {
            return true;
        }

        var from = condition.LastUpdateTime?.ToUniversalTime() ?? DateTime.MinValue;
        return from.AddSeconds(d.Spec!.ProgressDeadlineSeconds!.Value) < now;
    }

    /// <summary>Whether two statuses hold the same values (unset counts as 0, as Go's non-pointer ints).</summary>
    public static bool SameAs(V1DeploymentStatus? a, V1DeploymentStatus? b)
    {
        a ??= new V1DeploymentStatus();
        b ??= new V1DeploymentStatus();
        return (a.ObservedGeneration ?? 0) == (b.ObservedGeneration ?? 0)
            && (a.Replicas ?? 0) == (b.Replicas ?? 0)
            && (a.UpdatedReplicas ?? 0) == (b.UpdatedReplicas ?? 0)
            && (a.ReadyReplicas ?? 0) == (b.ReadyReplicas ?? 0)
            && (a.AvailableReplicas ?? 0) == (b.AvailableReplicas ?? 0)
            && (a.UnavailableReplicas ?? 0) == (b.UnavailableReplicas ?? 0)
            && a.CollisionCount == b.CollisionCount
            && SameConditions(a.Conditions, b.Conditions);
    }

    private static bool SameConditions(IList<V1DeploymentCondition>? a, IList<V1DeploymentCondition>? b)
    {
        a ??= [];
        b ??= [];
        if (a.Count != b.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Count; i++)
        {
            var x = a[i];
            var y = b[i];
            if (x.Type != y.Type || x.Status != y.Status || (x.Reason ?? "") != (y.Reason ?? "") || (x.Message ?? "") != (y.Message ?? "")
                || !SameTime(x.LastUpdateTime, y.LastUpdateTime) || !SameTime(x.LastTransitionTime, y.LastTransitionTime))
            {
                return false;
            }
        }

        return true;
    }

    private static bool SameTime(DateTime? a, DateTime? b) =>
        (a is null && b is null) || (a is { } x && b is { } y && DeploymentConditions.Truncate(x) == DeploymentConditions.Truncate(y));

    private static V1DeploymentCondition Copy(V1DeploymentCondition c) => new()
    {
        Type = c.Type,
        Status = c.Status,
        Reason = c.Reason,
        Message = c.Message,
        LastUpdateTime = c.LastUpdateTime,
        LastTransitionTime = c.LastTransitionTime,
    };
}
