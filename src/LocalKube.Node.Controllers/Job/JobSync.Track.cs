using k8s.Models;
using LocalKube.Node.Controllers.Shared;

namespace LocalKube.Node.Controllers.Job;

/// <summary>
/// Counting finished pods (<c>trackJobStatusAndRemoveFinalizers</c>): record them in
/// <c>uncountedTerminatedPods</c>, write the status, remove their finalizers, then move them to the counters; the
/// terminal condition only once nothing is uncounted or terminating.
/// </summary>
public sealed partial class JobSync
{
    // Returns whether the Job finished in this sync.
    private async Task<bool> TrackStatusAndRemoveFinalizersAsync(Context ctx, bool needsFlush, CancellationToken ct)
    {
        var job = ctx.Job;
        var indexed = JobPods.IsIndexed(job);
        var completions = job.Spec.Completions ?? 1;
        var uncounted = job.Status.UncountedTerminatedPods;
        uncounted.Succeeded ??= new List<string>();
        uncounted.Failed ??= new List<string>();
        var uncountedSucceeded = uncounted.Succeeded.ToHashSet();
        var uncountedFailed = uncounted.Failed.ToHashSet();
        var pods = indexed ? ctx.Pods.OrderBy(JobPods.CompletionIndex).ToList() : ctx.Pods.ToList();
        var withFinalizer = pods.Where(p => JobPods.HasTrackingFinalizer(p) && !ctx.ExpectedRemovedFinalizers.Contains(p.Metadata.Uid))
            .Select(p => p.Metadata.Uid).ToHashSet();
        needsFlush |= CleanUncounted(job.Status, withFinalizer);

        var toRemove = new List<V1Pod>();
        var newSucceededIndexes = new List<int>();
        var reachedMax = false;
        foreach (var pod in pods)
        {
            if (!JobPods.HasTrackingFinalizer(pod) || ctx.ExpectedRemovedFinalizers.Contains(pod.Metadata.Uid))
            {
                continue;
            }

            var failed = JobPods.IsFailed(pod, job);
            if (!(job.Metadata.DeletionTimestamp is not null || ctx.Finished is not null || PodState.Phase(pod) == "Succeeded" || failed))
            {
                continue;
            }

            // canRemoveFinalizer: a failed pod whose index will be retried keeps it until its replacement exists.
            if (job.Metadata.DeletionTimestamp is null && ctx.Finished is null && PodState.Phase(pod) != "Succeeded"
                && ctx.Delayed.TryGetValue(JobPods.CompletionIndex(pod), out var delayed) && delayed.Metadata.Uid == pod.Metadata.Uid)
            {
                continue;
            }

            toRemove.Add(pod);
            var uid = pod.Metadata.Uid;
            if (PodState.Phase(pod) == "Succeeded" && !uncountedFailed.Contains(uid))
            {
                if (indexed)
                {
                    var ix = JobPods.CompletionIndex(pod);
                    if (ix != JobPods.UnknownIndex && ix < completions && !ctx.PreviousSucceededIndexes.Has(ix))
                    {
                        newSucceededIndexes.Add(ix);
                    }
                }
                else if (uncountedSucceeded.Add(uid))
                {
                    needsFlush = true;
                    uncounted.Succeeded.Add(uid);
                }
            }
            else if (failed || (ctx.Finished is not null && ctx.Finished.Type != JobConditions.SuccessCriteriaMet && ctx.Finished.Type != JobConditions.Complete))
            {
                var ix = JobPods.CompletionIndex(pod);
                if (!uncountedFailed.Contains(uid) && (!indexed || (ix != JobPods.UnknownIndex && ix < completions))
                    && PodFailurePolicyMatch.Evaluate(job.Spec.PodFailurePolicy, pod).CountFailed)
                {
                    needsFlush = true;
                    uncountedFailed.Add(uid);
                    uncounted.Failed.Add(uid);
                }
            }

            if (newSucceededIndexes.Count + uncounted.Succeeded.Count + uncounted.Failed.Count >= JobPods.MaxUncountedPods)
            {
                reachedMax = true;
                break;
            }
        }

        if (indexed)
        {
            ctx.SucceededIndexes = ctx.SucceededIndexes.With(newSucceededIndexes);
            var text = ctx.SucceededIndexes.ToString();
            if (text != (job.Status.CompletedIndexes ?? ""))
            {
                needsFlush = true;
            }

            job.Status.Succeeded = ctx.SucceededIndexes.Total;
            job.Status.CompletedIndexes = text;
            var failedText = ctx.FailedIndexes?.ToString();
            if (failedText != job.Status.FailedIndexes)
            {
                job.Status.FailedIndexes = failedText;
                needsFlush = true;
            }
        }

        if (ctx.Finished?.Type == JobConditions.FailureTarget)
        {
            job.Status.Conditions ??= new List<V1JobCondition>();
            job.Status.Conditions.Add(ctx.Finished);
            needsFlush = true;
            ctx.Finished = JobConditions.New(JobConditions.Failed, "True", ctx.Finished.Reason, ctx.Finished.Message, Now);
        }

        if (ctx.Finished?.Type == JobConditions.SuccessCriteriaMet)
        {
            if (JobConditions.Find(job, JobConditions.SuccessCriteriaMet) is null)
            {
                job.Status.Conditions ??= new List<V1JobCondition>();
                job.Status.Conditions.Add(ctx.Finished);
                needsFlush = true;
            }

            ctx.Finished = JobConditions.New(JobConditions.Complete, "True", ctx.Finished.Reason, ctx.Finished.Message, Now);
        }

        needsFlush = await FlushAndRemoveFinalizersAsync(ctx, toRemove, withFinalizer, needsFlush, ct);
        var finished = !reachedMax && EnactFinished(ctx);
        if (finished || needsFlush)
        {
            await UpdateStatusAsync(job, ct);
            if (finished)
            {
                RecordFinished(job, ctx.Finished!);
            }
        }

        return finished;
    }

    private async Task UpdateStatusAsync(V1Job job, CancellationToken ct)
    {
        if (job.Status.UncountedTerminatedPods is { } u)
        {
            // An empty list is omitted on the wire; keep the object as the server returns it.
            u.Succeeded = u.Succeeded is { Count: > 0 } ? u.Succeeded : null;
            u.Failed = u.Failed is { Count: > 0 } ? u.Failed : null;
        }

        var stored = await actions.UpdateStatusAsync(job, ct);
        job.Metadata.ResourceVersion = stored.Metadata?.ResourceVersion ?? job.Metadata.ResourceVersion;
        job.Status.UncountedTerminatedPods ??= new V1UncountedTerminatedPods();
        job.Status.UncountedTerminatedPods.Succeeded ??= new List<string>();
        job.Status.UncountedTerminatedPods.Failed ??= new List<string>();
    }

    // flushUncountedAndRemoveFinalizers: the recorded UIDs reach the server before any finalizer goes.
    private async Task<bool> FlushAndRemoveFinalizersAsync(Context ctx, List<V1Pod> toRemove, HashSet<string> withFinalizer, bool needsFlush, CancellationToken ct)
    {
        var job = ctx.Job;
        if (needsFlush)
        {
            await UpdateStatusAsync(job, ct);
            needsFlush = false;
        }

        Exception? error = null;
        if (toRemove.Count > 0)
        {
            var results = await Task.WhenAll(toRemove.Select(async pod =>
            {
                actions.ExpectFinalizerRemoved(pod.Metadata.Uid);
                try
                {
                    await actions.RemoveTrackingFinalizerAsync(pod, ct);
                    return (pod, (Exception?)null);
                }
                catch (Exception e) when (ApiErrors.IsNotFound(e))
                {
                    return (pod, (Exception?)null);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    actions.FinalizerRemovalFailed(pod.Metadata.Uid);
                    return (pod, (Exception?)e);
                }
            }));
            foreach (var (pod, e) in results)
            {
                if (e is null)
                {
                    withFinalizer.Remove(pod.Metadata.Uid);
                }
                else
                {
                    error ??= e;
                }
            }
        }

        if (CleanUncounted(job.Status, withFinalizer))
        {
            needsFlush = true;
        }

        if (error is not null)
        {
            if (needsFlush)
            {
                await UpdateStatusAsync(job, ct);
            }

            throw error;
        }

        return needsFlush;
    }

    // cleanUncountedPodsWithoutFinalizers: recorded pods whose finalizer is gone move into the counters.
    private static bool CleanUncounted(V1JobStatus status, HashSet<string> withFinalizer)
    {
        var uncounted = status.UncountedTerminatedPods;
        uncounted.Succeeded ??= new List<string>();
        uncounted.Failed ??= new List<string>();
        var updated = false;
        var keepSucceeded = uncounted.Succeeded.Where(withFinalizer.Contains).ToList();
        if (keepSucceeded.Count != uncounted.Succeeded.Count)
        {
            updated = true;
            status.Succeeded = (status.Succeeded ?? 0) + uncounted.Succeeded.Count - keepSucceeded.Count;
            uncounted.Succeeded = keepSucceeded;
        }

        var keepFailed = uncounted.Failed.Where(withFinalizer.Contains).ToList();
        if (keepFailed.Count != uncounted.Failed.Count)
        {
            updated = true;
            status.Failed = (status.Failed ?? 0) + uncounted.Failed.Count - keepFailed.Count;
            uncounted.Failed = keepFailed;
        }

        return updated;
    }

    // enactJobFinished: the terminal condition once nothing is uncounted or terminating.
    private bool EnactFinished(Context ctx)
    {
        if (ctx.Finished is not { } condition)
        {
            return false;
        }

        var job = ctx.Job;
        var uncounted = job.Status.UncountedTerminatedPods;
        if ((uncounted.Succeeded?.Count ?? 0) + (uncounted.Failed?.Count ?? 0) > 0 || ctx.Terminating > 0)
        {
            return false;
        }

        JobConditions.Ensure(job, condition.Type, condition.Status, condition.Reason, condition.Message, Now);
        if (condition.Type == JobConditions.Complete)
        {
            job.Status.CompletionTime = JobConditions.Find(job, JobConditions.Complete)!.LastTransitionTime;
        }

        return true;
    }

    private void RecordFinished(V1Job job, V1JobCondition condition)
    {
        if (condition.Type == JobConditions.Complete)
        {
            if (job.Spec.Completions is { } c && (job.Status.Succeeded ?? 0) > c)
            {
                actions.Event(job, "Warning", "TooManySucceededPods", "Too many succeeded pods running after completion count reached");
            }

            actions.Event(job, "Normal", "Completed", "Job completed");
        }
        else
        {
            actions.Event(job, "Warning", condition.Reason, condition.Message);
        }
    }
}
