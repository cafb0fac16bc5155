using k8s.Models;

namespace LocalKube.Node.Controllers.Job;

/// <summary>Job condition types, reasons and the list rules (<c>ensureJobConditionStatus</c>).</summary>
public static class JobConditions
{
    /// <summary>Terminal success.</summary>
    public const string Complete = "Complete";

    /// <summary>Terminal failure.</summary>
    public const string Failed = "Failed";

    /// <summary>Interim success, before the pods are gone.</summary>
    public const string SuccessCriteriaMet = "SuccessCriteriaMet";

    /// <summary>Interim failure, before the pods are gone.</summary>
    public const string FailureTarget = "FailureTarget";

    /// <summary>Suspended.</summary>
    public const string Suspended = "Suspended";

    /// <summary>Reason: completions reached.</summary>
    public const string CompletionsReached = "CompletionsReached";

    /// <summary>Reason: the success policy matched.</summary>
    public const string SuccessPolicy = "SuccessPolicy";

    /// <summary>Reason: backoffLimit exceeded.</summary>
    public const string BackoffLimitExceeded = "BackoffLimitExceeded";

    /// <summary>Reason: activeDeadlineSeconds passed.</summary>
    public const string DeadlineExceeded = "DeadlineExceeded";

    /// <summary>Reason: a FailJob rule of the pod failure policy matched.</summary>
    public const string PodFailurePolicy = "PodFailurePolicy";

    /// <summary>Reason: too many failed indexes.</summary>
    public const string MaxFailedIndexesExceeded = "MaxFailedIndexesExceeded";

    /// <summary>Reason: some index failed.</summary>
    public const string FailedIndexes = "FailedIndexes";

    /// <summary>A condition stamped now (to the second).</summary>
    public static V1JobCondition New(string type, string status, string reason, string message, DateTime now)
    {
        var t = new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
        return new V1JobCondition { Type = type, Status = status, Reason = reason, Message = message, LastProbeTime = t, LastTransitionTime = t };
    }

    /// <summary>A condition by type.</summary>
    public static V1JobCondition? Find(V1Job job, string type) => job.Status?.Conditions?.FirstOrDefault(c => c.Type == type);

    /// <summary>Whether the job has a True condition of that type.</summary>
    public static bool IsTrue(V1Job job, string type) => Find(job, type)?.Status == "True";

    /// <summary><c>IsJobFinished</c>: Complete or Failed is True.</summary>
    public static bool IsFinished(V1Job job) => IsTrue(job, Complete) || IsTrue(job, Failed);

    /// <summary>
    /// <c>ensureJobConditionStatus</c>: update a condition of that type in place when it differs (a new transition
    /// time only when the status changes), or add it unless its status is False. Returns whether it changed.
    /// </summary>
    public static bool Ensure(V1Job job, string type, string status, string reason, string message, DateTime now)
    {
        job.Status ??= new V1JobStatus();
        job.Status.Conditions ??= new List<V1JobCondition>();
        foreach (var c in job.Status.Conditions)
        {
            if (c.Type != type)
            {
                continue;
            }

            if (c.Status == status && c.Reason == reason && c.Message == message)
            {
                return false;
            }

            var fresh = New(type, status, reason, message, now);
            if (c.Status != status)
            {
                c.LastTransitionTime = fresh.LastTransitionTime;
            }

            c.Status = status;
            c.Reason = reason;
            c.Message = message;
            c.LastProbeTime = fresh.LastProbeTime;
            return true;
        }

        if (status == "False")
        {
            return false;
        }

        job.Status.Conditions.Add(New(type, status, reason, message, now));
        return true;
    }
}
