using k8s.Models;
using LocalKube.Node.Controllers.ReplicaSet;
using LocalKube.Node.Controllers.Shared;

namespace LocalKube.Node.Controllers.Job;

/// <summary>Pod creation and deletion of a Job sync (<c>manageJob</c>).</summary>
public sealed partial class JobSync
{
    // Returns the new active count, a requeue delay (backoff) and the first error.
    private async Task<(int Active, TimeSpan? Requeue, Exception? Error)> ManageJobAsync(V1Job job, Context ctx, CancellationToken ct)
    {
        var active = ctx.ActivePods.Count;
        var parallelism = job.Spec.Parallelism ?? 1;
        if (JobPods.IsSuspended(job))
        {
            var all = PodsForRemoval(job, ctx.ActivePods, active);
            actions.ExpectDeletions(all.Count);
            var (ready, removed, error) = await DeleteJobPodsAsync(job, all, ct);
            ctx.Terminating += removed;
            ctx.Ready -= ready;
            return (active - removed, null, error);
        }

        int wantActive;
        if (job.Spec.Completions is not { } completions)
        {
            wantActive = ctx.Succeeded > 0 ? active : parallelism;
        }
        else
        {
            wantActive = Math.Clamp(completions - ctx.Succeeded, 0, parallelism);
        }

        var toDelete = PodsForRemoval(job, ctx.ActivePods, Math.Max(0, active - wantActive));
        if (ctx.FailedIndexes is { } failedIndexes)
        {
            // An index that failed for good has nothing left to run.
            toDelete.AddRange(ctx.ActivePods.Where(p => failedIndexes.Has(JobPods.CompletionIndex(p)) && !toDelete.Contains(p)));
        }

        toDelete = toDelete.Take(JobPods.MaxPodCreateDeletePerSync).ToList();
        if (toDelete.Count > 0)
        {
            actions.ExpectDeletions(toDelete.Count);
            var (ready, removed, error) = await DeleteJobPodsAsync(job, toDelete, ct);
            ctx.Terminating += removed;
            ctx.Ready -= ready;
            return (active - removed, null, error);
        }

        var terminating = JobPods.OnlyReplaceFailedPods(job) ? ctx.Terminating : 0;
        var diff = wantActive - terminating - active;
        if (diff <= 0)
        {
            return (active, null, null);
        }

        var remaining = IndexFailures.Enabled(job) ? TimeSpan.Zero : ctx.NewBackoff.Remaining(Now);
        if (remaining > TimeSpan.Zero)
        {
            return (active, remaining, null);
        }

        diff = Math.Min(diff, JobPods.MaxPodCreateDeletePerSync);
        var indexes = new Queue<int>();
        if (JobPods.IsIndexed(job))
        {
            var pending = FirstPendingIndexes(ctx, diff, job.Spec.Completions ?? 1);
            if (IndexFailures.Enabled(job))
            {
                // Each index waits out its own backoff; when none is ready, look again when the first one is.
                var ready = pending.Where(i => IndexFailures.Remaining(ctx.Delayed.GetValueOrDefault(i), Now) == TimeSpan.Zero).ToList();
                if (ready.Count == 0 && pending.Count > 0)
                {
                    return (active, pending.Min(i => IndexFailures.Remaining(ctx.Delayed.GetValueOrDefault(i), Now)), null);
                }

                pending = ready;
            }

            foreach (var i in pending)
            {
                indexes.Enqueue(i);
            }

            diff = indexes.Count;
        }

        actions.ExpectCreations(diff);
        active += diff;
        var template = JobPods.Template(job);
        var indexList = indexes.ToArray();
        var next = 0;
        var (successes, createError) = await SlowStart.RunAsync(diff, async token =>
        {
            var slot = Interlocked.Increment(ref next) - 1;
            var index = indexList.Length > 0 ? indexList[slot] : JobPods.UnknownIndex;
            var pod = JobPods.NewPod(job, template, index);
            if (IndexFailures.Enabled(job))
            {
                IndexFailures.Annotate(pod, job, ctx.Delayed.GetValueOrDefault(index));
            }
            try
            {
                var created = await actions.CreatePodAsync(pod, token);
                actions.Event(job, "Normal", "SuccessfulCreate", $"Created pod: {created.Metadata.Name}");
            }
            catch (Exception e) when (ApiErrors.IsNamespaceTerminating(e))
            {
                // Every create fails in a terminating namespace.
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                actions.Event(job, "Warning", "FailedCreate", $"Error creating: {ApiErrors.Message(e)}");
                throw;
            }
        }, ct);
        for (var i = successes; i < diff; i++)
        {
            actions.CreationObserved();
            active--;
        }

        return (active, null, createError);
    }

    // activePodsForRemoval: an Indexed Job's duplicates and out-of-range indexes first, then by the ReplicaSet order.
    private List<V1Pod> PodsForRemoval(V1Job job, List<V1Pod> pods, int atLeast)
    {
        var remove = new List<V1Pod>();
        var left = pods;
        if (JobPods.IsIndexed(job))
        {
            var completions = job.Spec.Completions ?? 1;
            left = [];
            foreach (var group in pods.GroupBy(JobPods.CompletionIndex))
            {
                if (group.Key == JobPods.UnknownIndex || group.Key >= completions)
                {
                    remove.AddRange(group);
                    continue;
                }

                var ranked = PodRanking.PodsToDelete(group.ToList(), [], group.Count(), Now);
                remove.AddRange(ranked.Take(ranked.Count - 1));
                left.Add(ranked[^1]);
            }
        }

        if (remove.Count < atLeast)
        {
            remove.AddRange(PodRanking.PodsToDelete(left, [], atLeast - remove.Count, Now));
        }

        return remove;
    }

    // firstPendingIndexes: the lowest indexes neither succeeded nor running.
    private static List<int> FirstPendingIndexes(Context ctx, int count, int completions)
    {
        var nonPending = ctx.SucceededIndexes.With(ctx.ActivePods.Select(JobPods.CompletionIndex).Where(i => i != JobPods.UnknownIndex && i < completions).Distinct().Order());
        if (ctx.FailedIndexes is { } failed)
        {
            nonPending = nonPending.Merge(failed);
        }

        var result = new List<int>();
        for (var candidate = 0; candidate < completions && result.Count < count; candidate++)
        {
            if (!nonPending.Has(candidate))
            {
                result.Add(candidate);
            }
        }

        return result;
    }

    // deleteJobPods: finalizer off first (these pods are not counted), then delete.
    private async Task<(int Ready, int Removed, Exception? Error)> DeleteJobPodsAsync(V1Job job, List<V1Pod> pods, CancellationToken ct)
    {
        var results = await Task.WhenAll(pods.Select(async pod =>
        {
            try
            {
                if (JobPods.HasTrackingFinalizer(pod))
                {
                    await actions.RemoveTrackingFinalizerAsync(pod, ct);
                }

                await actions.DeletePodAsync(pod, ct);
                actions.Event(job, "Normal", "SuccessfulDelete", $"Deleted pod: {pod.Metadata.Name}");
                return new DeleteOutcome(PodState.IsReady(pod), true, null);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                actions.DeletionObserved();
                if (ApiErrors.IsNotFound(e))
                {
                    return new DeleteOutcome(false, true, null);
                }

                actions.Event(job, "Warning", "FailedDelete", $"Error deleting: {ApiErrors.Message(e)}");
                return new DeleteOutcome(false, false, e);
            }
        }));
        return (results.Count(r => r.Ok && r.Ready), results.Count(r => r.Ok), results.FirstOrDefault(r => r.Error is not null)?.Error);
    }

    // deleteActivePods: the Job finished; its running pods go (finalizers kept, so they are counted as failed).
    private async Task<(int Ready, int Removed, Exception? Error)> DeleteActivePodsAsync(V1Job job, List<V1Pod> pods, CancellationToken ct)
    {
        var results = await Task.WhenAll(pods.Select(async pod =>
        {
            try
            {
                await actions.DeletePodAsync(pod, ct);
                actions.Event(job, "Normal", "SuccessfulDelete", $"Deleted pod: {pod.Metadata.Name}");
                return new DeleteOutcome(PodState.IsReady(pod), true, null);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return new DeleteOutcome(PodState.IsReady(pod), ApiErrors.IsNotFound(e), ApiErrors.IsNotFound(e) ? null : e);
            }
        }));
        return (results.Count(r => r.Ready), results.Count(r => r.Ok), results.FirstOrDefault(r => r.Error is not null)?.Error);
    }

    private sealed record DeleteOutcome(bool Ready, bool Ok, Exception? Error);
}
