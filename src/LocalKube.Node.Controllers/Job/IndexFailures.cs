using System.Globalization;
using k8s.Models;

namespace LocalKube.Node.Controllers.Job;

/// <summary>
/// <c>backoffLimitPerIndex</c> for Indexed Jobs (<c>indexed_job_utils.go</c>): each index counts its own failures
/// in its pods' annotations, fails on its own after <c>backoffLimitPerIndex</c> retries, and waits its own backoff.
/// </summary>
public static class IndexFailures
{
    /// <summary>Failures of the index before this pod.</summary>
    public const string FailureCountAnnotation = "batch.kubernetes.io/job-index-failure-count";

    /// <summary>Failures of the index the pod failure policy ignored.</summary>
    public const string IgnoredFailureCountAnnotation = "batch.kubernetes.io/job-index-ignored-failure-count";

    /// <summary>Whether the Job has <c>backoffLimitPerIndex</c>.</summary>
    public static bool Enabled(V1Job job) => job.Spec?.BackoffLimitPerIndex is not null && JobPods.IsIndexed(job);

    /// <summary>A count annotation of a pod (0 when absent or malformed).</summary>
    public static int Count(V1Pod? pod, string annotation) =>
        pod?.Metadata?.Annotations is { } a && a.TryGetValue(annotation, out var v)
            && int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;

    /// <summary>
    /// <c>isIndexFailed</c>: the pod failed and either a FailIndex rule matched or the index has used up its retries.
    /// </summary>
    public static bool IsIndexFailed(V1Job job, V1Pod pod)
    {
        if (!JobPods.IsFailed(pod, job))
        {
            return false;
        }

        var counted = true;
        if (job.Spec.PodFailurePolicy is not null)
        {
            var match = PodFailurePolicyMatch.Evaluate(job.Spec.PodFailurePolicy, pod);
            if (match.Action == PodFailurePolicyMatch.FailIndex)
            {
                return true;
            }

            counted = match.CountFailed;
        }

        return counted && Count(pod, FailureCountAnnotation) >= job.Spec.BackoffLimitPerIndex!.Value;
    }

    /// <summary><c>calculateFailedIndexes</c>: the recorded failed indexes plus those failed now.</summary>
    public static IndexSet Calculate(V1Job job, IReadOnlyList<V1Pod> pods)
    {
        var completions = job.Spec.Completions ?? 1;
        var previous = IndexSet.Parse(job.Status?.FailedIndexes, completions);
        var fresh = pods.Where(p => JobPods.HasTrackingFinalizer(p) && IsIndexFailed(job, p))
            .Select(JobPods.CompletionIndex).Where(i => i != JobPods.UnknownIndex && i < completions).Distinct().Order();
        return previous.With(fresh);
    }

    /// <summary>
    /// <c>getPodsWithDelayedDeletionPerIndex</c>: per index still in play, its newest failed pod that still has the
    /// finalizer and no newer pod after it. That pod keeps its finalizer until its replacement exists, so the
    /// replacement can carry the failure count on.
    /// </summary>
    public static Dictionary<int, V1Pod> Delayed(V1Job job, IReadOnlyList<V1Pod> pods, IndexSet succeeded, IndexSet failed)
    {
        var completions = job.Spec.Completions ?? 1;
        var result = new Dictionary<int, V1Pod>();
        foreach (var group in pods.GroupBy(JobPods.CompletionIndex))
        {
            var index = group.Key;
            if (index == JobPods.UnknownIndex || index >= completions || succeeded.Has(index) || failed.Has(index))
            {
                continue;
            }

            var newest = group.OrderBy(p => p.Metadata.CreationTimestamp ?? DateTime.MinValue).Last();
            if (JobPods.IsFailed(newest, job) && JobPods.HasTrackingFinalizer(newest))
            {
                result[index] = newest;
            }
        }

        return result;
    }

    /// <summary>
    /// <c>addIndexFailureCountAnnotation</c>: the replacement's counts, one more than the replaced pod's (ignored
    /// failures kept apart).
    /// </summary>
    public static void Annotate(V1Pod pod, V1Job job, V1Pod? replaced)
    {
        var failures = Count(replaced, FailureCountAnnotation);
        var ignored = Count(replaced, IgnoredFailureCountAnnotation);
        if (replaced is not null)
        {
            if (job.Spec.PodFailurePolicy is null || PodFailurePolicyMatch.Evaluate(job.Spec.PodFailurePolicy, replaced).CountFailed)
            {
                failures++;
            }
            else
            {
                ignored++;
            }
        }

        pod.Metadata.Annotations ??= new Dictionary<string, string>();
        pod.Metadata.Annotations[FailureCountAnnotation] = failures.ToString(CultureInfo.InvariantCulture);
        if (ignored > 0)
        {
            pod.Metadata.Annotations[IgnoredFailureCountAnnotation] = ignored.ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <summary>The backoff left for an index whose last pod failed (its own failure count, from its finish).</summary>
    public static TimeSpan Remaining(V1Pod? lastFailed, DateTime now)
    {
        if (lastFailed is null)
        {
            return TimeSpan.Zero;
        }

        var failures = Count(lastFailed, FailureCountAnnotation) + Count(lastFailed, IgnoredFailureCountAnnotation) + 1;
        return JobBackoff.RemainingFor(failures, JobPods.FinishedTime(lastFailed), now);
    }
}
