using k8s.Models;

namespace LocalKube.Node.Controllers.Deployment;

/// <summary>The Deployment conditions, with upstream's reasons and set/replace rules.</summary>
public static class DeploymentConditions
{
    /// <summary>Condition type Progressing.</summary>
    public const string Progressing = "Progressing";

    /// <summary>Condition type Available.</summary>
    public const string Available = "Available";

    /// <summary>Condition type ReplicaFailure.</summary>
    public const string ReplicaFailure = "ReplicaFailure";

    /// <summary>Progressing: a new RS was created.</summary>
    public const string NewRSReason = "NewReplicaSetCreated";

    /// <summary>Progressing: the new RS was found (progress tracking started late).</summary>
    public const string FoundNewRSReason = "FoundNewReplicaSet";

    /// <summary>Progressing: the rollout made progress.</summary>
    public const string ReplicaSetUpdatedReason = "ReplicaSetUpdated";

    /// <summary>Progressing: the rollout completed.</summary>
    public const string NewRSAvailableReason = "NewReplicaSetAvailable";

    /// <summary>Progressing False: no progress within the deadline.</summary>
    public const string TimedOutReason = "ProgressDeadlineExceeded";

    /// <summary>Progressing False: the new RS could not be created.</summary>
    public const string FailedRSCreateReason = "ReplicaSetCreateError";

    /// <summary>Progressing Unknown: paused.</summary>
    public const string PausedReason = "DeploymentPaused";

    /// <summary>Progressing Unknown: resumed.</summary>
    public const string ResumedReason = "DeploymentResumed";

    /// <summary>Available True.</summary>
    public const string MinimumReplicasAvailable = "MinimumReplicasAvailable";

    /// <summary>Available False.</summary>
    public const string MinimumReplicasUnavailable = "MinimumReplicasUnavailable";

    /// <summary>A condition stamped now (to the second, as the API server stores times).</summary>
    public static V1DeploymentCondition New(string type, string status, string reason, string message, DateTime now)
    {
        var t = Truncate(now);
        return new V1DeploymentCondition
        {
            Type = type,
            Status = status,
            Reason = reason,
            Message = message,
            LastUpdateTime = t,
            LastTransitionTime = t,
        };
    }

    /// <summary>A condition by type.</summary>
    public static V1DeploymentCondition? Get(V1DeploymentStatus? status, string type) =>
        status?.Conditions?.FirstOrDefault(c => c.Type == type);

    /// <summary>
    /// <c>SetDeploymentCondition</c>: no change when status and reason are the same; otherwise replace it, keeping
    /// lastTransitionTime when the status did not change.
    /// </summary>
    public static void Set(V1DeploymentStatus status, V1DeploymentCondition condition)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(condition);
        var current = Get(status, condition.Type);
        if (current is not null && current.Status == condition.Status && current.Reason == condition.Reason)
        {
            return;
        }

        if (current is not null && current.Status == condition.Status)
        {
            condition.LastTransitionTime = current.LastTransitionTime;
        }

        Remove(status, condition.Type);
        status.Conditions ??= new List<V1DeploymentCondition>();
        status.Conditions.Add(condition);
    }

    /// <summary>Removes a condition by type.</summary>
    public static void Remove(V1DeploymentStatus status, string type)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (status.Conditions is null)
        {
            return;
        }

        status.Conditions = status.Conditions.Where(c => c.Type != type).ToList();
    }

    /// <summary><c>HasProgressDeadline</c>: set and not MaxInt32.</summary>
    public static bool HasProgressDeadline(V1Deployment d) =>
        d.Spec?.ProgressDeadlineSeconds is { } s && s != int.MaxValue;

    /// <summary><c>ReplicaSetToDeploymentCondition</c>.</summary>
    public static V1DeploymentCondition FromReplicaSet(V1ReplicaSetCondition c) => new()
    {
        Type = c.Type,
        Status = c.Status,
        LastTransitionTime = c.LastTransitionTime,
        LastUpdateTime = c.LastTransitionTime,
        Reason = c.Reason,
        Message = c.Message,
    };

    /// <summary>Times as the API server keeps them (RFC 3339 seconds, UTC).</summary>
    public static DateTime Truncate(DateTime t)
    {
        var u = t.ToUniversalTime();
        return new DateTime(u.Ticks - (u.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
    }
}
