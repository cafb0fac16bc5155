using k8s.Models;

namespace LocalKube.Node.Controllers.TtlAfterFinished;

/// <summary>
/// When a finished Job expires (k/k <c>pkg/controller/ttlafterfinished</c>): its Complete or Failed condition's
/// transition time plus <c>ttlSecondsAfterFinished</c>.
/// </summary>
internal static class TtlExpiry
{
    /// <summary>The expiry of <paramref name="job"/>, or null when it has no TTL or has not finished.</summary>
    public static DateTime? ExpireAt(V1Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.Spec?.TtlSecondsAfterFinished is not { } ttl || job.Metadata?.DeletionTimestamp is not null)
        {
            return null;
        }

        var finished = job.Status?.Conditions?.FirstOrDefault(c => c.Type is "Complete" or "Failed" && c.Status == "True");
        if (finished is null)
        {
            return null;
        }

        // A finished Job without a transition time counts from its completion (or now, as upstream's error path).
        var at = finished.LastTransitionTime ?? job.Status?.CompletionTime ?? DateTime.UtcNow;
        return at.AddSeconds(ttl);
    }
}
