using k8s.Models;
using LocalKube.Node.Controllers.ReplicaSet;
using LocalKube.Node.Controllers.Shared;

namespace LocalKube.Node.Controllers.Job;

/// <summary>The outcome of one Job sync.</summary>
/// <param name="RequeueAfter">When to look again (backoff, active deadline), if a timer is needed.</param>
/// <param name="Backoff">The Job's backoff record to keep (or forget, when null: the Job finished).</param>
public sealed record JobSyncResult(TimeSpan? RequeueAfter, JobBackoff? Backoff);

/// <summary>
/// One sync of one Job (<c>syncJob</c>, 1.31+ semantics): count finished pods through the tracking finalizer and
/// <c>uncountedTerminatedPods</c>, decide success or failure (interim SuccessCriteriaMet/FailureTarget first),
/// keep <c>min(parallelism, completions − succeeded)</c> pods running with backoff, Indexed completion indexes,
/// the pod failure and success policies, suspend and activeDeadlineSeconds.
/// </summary>
public sealed partial class JobSync(IJobActions actions, TimeProvider time)
{
    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>
    /// Syncs <paramref name="job"/> (a copy) with all its claimed pods. <paramref name="expectedRemovedFinalizers"/>
    /// are pods whose finalizer removal is not yet seen in the cache.
    /// </summary>
    public async Task<JobSyncResult> SyncAsync(V1Job job, IReadOnlyList<V1Pod> pods, bool expectationsSatisfied, IReadOnlySet<string> expectedRemovedFinalizers, JobBackoff backoff, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(pods);
        if (JobConditions.IsFinished(job))
        {
            return new JobSyncResult(null, null);
        }

        if (job.Spec.CompletionMode is { } mode && mode is not ("NonIndexed" or "Indexed"))
        {
            actions.Event(job, "Warning", "UnknownCompletionMode", "Skipped Job sync because completion mode is unknown");
            return new JobSyncResult(null, backoff);
        }

        job.Status ??= new V1JobStatus();
        job.Status.UncountedTerminatedPods ??= new V1UncountedTerminatedPods();
        var ctx = new Context(job, pods, expectedRemovedFinalizers);
        var active = ctx.ActivePods.Count;
        var (newSucceeded, newFailed) = NewFinishedPods(ctx);
        var uncounted = job.Status.UncountedTerminatedPods;
        ctx.Succeeded = (job.Status.Succeeded ?? 0) + newSucceeded.Count + (uncounted.Succeeded?.Count ?? 0);
        ctx.Failed = (job.Status.Failed ?? 0) + newFailed.Count(p => PodFailurePolicyMatch.Evaluate(job.Spec.PodFailurePolicy, p).CountFailed) + (uncounted.Failed?.Count ?? 0);
        if (job.Status.StartTime is null && !JobPods.IsSuspended(job))
        {
            job.Status.StartTime = Truncate(Now);
        }

        ctx.NewBackoff = backoff.Next(newSucceeded, newFailed);
        TimeSpan? requeue = null;
        Exception? manageError = null;

        ctx.Finished = JobConditions.Find(job, JobConditions.SuccessCriteriaMet) is { Status: "True" } met ? Copy(met) : null;
        if (ctx.Finished is null)
        {
            if (JobConditions.Find(job, JobConditions.FailureTarget) is { Status: "True" } target)
            {
                ctx.Finished = JobConditions.New(JobConditions.Failed, "True", target.Reason, target.Message, Now);
            }
            else if (FailJobMessage(job, pods) is { } message)
            {
                ctx.Finished = JobConditions.New(JobConditions.FailureTarget, "True", JobConditions.PodFailurePolicy, message, Now);
            }
        }

        if (ctx.Finished is null)
        {
            if (ctx.Failed > (job.Spec.BackoffLimit ?? 6) || PastBackoffLimitOnFailure(job, pods))
            {
                ctx.Finished = FailureCondition(JobConditions.BackoffLimitExceeded, "Job has reached the specified backoff limit");
            }
            else if (PastActiveDeadline(job))
            {
                ctx.Finished = FailureCondition(JobConditions.DeadlineExceeded, "Job was active longer than specified deadline");
            }
            else if (job.Spec.ActiveDeadlineSeconds is { } deadline && !JobPods.IsSuspended(job))
            {
                requeue = Min(requeue, job.Status.StartTime!.Value.ToUniversalTime().AddSeconds(deadline) - Now);
            }
        }

        if (JobPods.IsIndexed(job))
        {
            var completions = job.Spec.Completions ?? 1;
            ctx.PreviousSucceededIndexes = IndexSet.Parse(job.Status.CompletedIndexes, completions);
            var fresh = pods.Where(p => PodState.Phase(p) == "Succeeded" && JobPods.HasTrackingFinalizer(p))
                .Select(JobPods.CompletionIndex).Where(i => i != JobPods.UnknownIndex && i < completions).Distinct().Order();
            ctx.SucceededIndexes = ctx.PreviousSucceededIndexes.With(fresh);
            ctx.Succeeded = ctx.SucceededIndexes.Total;
            if (IndexFailures.Enabled(job))
            {
                ctx.FailedIndexes = IndexFailures.Calculate(job, pods);
                if (ctx.Finished is null)
                {
                    if (job.Spec.MaxFailedIndexes is { } maxFailed && ctx.FailedIndexes.Total > maxFailed)
                    {
                        ctx.Finished = FailureCondition(JobConditions.MaxFailedIndexesExceeded, "Job has exceeded the specified maximal number of failed indexes");
                    }
                    else if (ctx.FailedIndexes.Total > 0 && ctx.FailedIndexes.Total + ctx.SucceededIndexes.Total >= completions)
                    {
                        ctx.Finished = FailureCondition(JobConditions.FailedIndexes, "Job has failed indexes");
                    }
                }

                ctx.Delayed = IndexFailures.Delayed(job, pods, ctx.SucceededIndexes, ctx.FailedIndexes);
            }

            if (ctx.Finished is null && SuccessPolicy.Match(job.Spec.SuccessPolicy, completions, ctx.SucceededIndexes) is { } matched)
            {
                ctx.Finished = JobConditions.New(JobConditions.SuccessCriteriaMet, "True", JobConditions.SuccessPolicy, matched, Now);
            }
        }

        var suspendChanged = false;
        if (ctx.Finished is not null)
        {
            var (deletedReady, deleted, error) = await DeleteActivePodsAsync(job, ctx.ActivePods, ct);
            if (deleted != active || !expectationsSatisfied)
            {
                // Not finished yet: some pods may still carry finalizers, or not be in the cache yet.
                ctx.Finished = null;
            }

            active -= deleted;
            ctx.Terminating += deleted;
            ctx.Ready -= deletedReady;
            manageError = error;
        }
        else
        {
            var manageCalled = false;
            if (expectationsSatisfied && job.Metadata.DeletionTimestamp is null)
            {
                TimeSpan? wait;
                (active, wait, manageError) = await ManageJobAsync(job, ctx, ct);
                requeue = Min(requeue, wait);
                manageCalled = true;
            }

            var complete = job.Spec.Completions is { } c ? ctx.Succeeded >= c && active == 0 : ctx.Succeeded > 0 && active == 0;
            if (complete)
            {
                ctx.Finished = JobConditions.New(JobConditions.SuccessCriteriaMet, "True", JobConditions.CompletionsReached, "Reached expected number of succeeded pods", Now);
            }
            else if (manageCalled)
            {
                if (JobPods.IsSuspended(job))
                {
                    if (JobConditions.Ensure(job, JobConditions.Suspended, "True", "JobSuspended", "Job suspended", Now))
                    {
                        suspendChanged = true;
                        actions.Event(job, "Normal", "Suspended", "Job suspended");
                    }
                }
                else if (JobConditions.Ensure(job, JobConditions.Suspended, "False", "JobResumed", "Job resumed", Now))
                {
                    suspendChanged = true;
                    actions.Event(job, "Normal", "Resumed", "Job resumed");
                    job.Status.StartTime = Truncate(Now);
                }
            }
        }

        var needsUpdate = suspendChanged || active != (job.Status.Active ?? 0) || ctx.Ready != (job.Status.Ready ?? 0) || ctx.Terminating != (job.Status.Terminating ?? 0);
        job.Status.Active = active;
        job.Status.Ready = ctx.Ready;
        job.Status.Terminating = ctx.Terminating;
        var finished = await TrackStatusAndRemoveFinalizersAsync(ctx, needsUpdate, ct);
        if (manageError is not null)
        {
            throw manageError;
        }

        return new JobSyncResult(finished ? null : requeue, finished ? null : ctx.NewBackoff);
    }

    private static TimeSpan? Min(TimeSpan? a, TimeSpan? b) =>
        a is null ? b : b is null ? a : (a < b ? a : b);

    private static DateTime Truncate(DateTime t) => new(t.Ticks - (t.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);

    private static V1JobCondition Copy(V1JobCondition c) => new()
    {
        Type = c.Type,
        Status = c.Status,
        Reason = c.Reason,
        Message = c.Message,
        LastProbeTime = c.LastProbeTime,
        LastTransitionTime = c.LastTransitionTime,
    };

    // Interim FailureTarget first: Failed comes once every pod is gone.
    private V1JobCondition FailureCondition(string reason, string message) =>
        JobConditions.New(JobConditions.FailureTarget, "True", reason, message, Now);

    private static string? FailJobMessage(V1Job job, IReadOnlyList<V1Pod> pods)
    {
        if (job.Spec.PodFailurePolicy is null)
        {
            return null;
        }

        return pods.Where(p => JobPods.IsFailed(p, job))
            .Select(p => PodFailurePolicyMatch.Evaluate(job.Spec.PodFailurePolicy, p).FailJobMessage)
            .FirstOrDefault(m => m is not null);
    }

    // restartPolicy OnFailure: container restarts of running or pending pods reach backoffLimit.
    private static bool PastBackoffLimitOnFailure(V1Job job, IReadOnlyList<V1Pod> pods)
    {
        if (job.Spec.Template?.Spec?.RestartPolicy != "OnFailure")
        {
            return false;
        }

        var restarts = pods.Where(p => PodState.Phase(p) is "Running" or "Pending")
            .Sum(p => (p.Status?.InitContainerStatuses?.Sum(c => c.RestartCount) ?? 0) + (p.Status?.ContainerStatuses?.Sum(c => c.RestartCount) ?? 0));
        var limit = job.Spec.BackoffLimit ?? 6;
        return limit == 0 ? restarts > 0 : restarts >= limit;
    }

    private bool PastActiveDeadline(V1Job job)
    {
        if (job.Spec.ActiveDeadlineSeconds is not { } deadline || job.Status.StartTime is not { } start || JobPods.IsSuspended(job))
        {
            return false;
        }

        return Now - start.ToUniversalTime() >= TimeSpan.FromSeconds(deadline);
    }

    // getNewFinishedPods: finished pods that still carry the finalizer and are not yet recorded.
    private static (List<V1Pod> Succeeded, List<V1Pod> Failed) NewFinishedPods(Context ctx)
    {
        var uncounted = ctx.Job.Status.UncountedTerminatedPods;
        var succeededUids = (uncounted.Succeeded ?? []).ToHashSet();
        var failedUids = (uncounted.Failed ?? []).ToHashSet();
        var succeeded = ValidPods(ctx, succeededUids).Where(p => PodState.Phase(p) == "Succeeded").ToList();
        var failed = ValidPods(ctx, failedUids).Where(p => JobPods.IsFailed(p, ctx.Job)).ToList();
        return (succeeded, failed);
    }

    private static IEnumerable<V1Pod> ValidPods(Context ctx, HashSet<string> uncounted)
    {
        foreach (var p in ctx.Pods)
        {
            var uid = p.Metadata.Uid;
            if (!JobPods.HasTrackingFinalizer(p) || uncounted.Contains(uid) || ctx.ExpectedRemovedFinalizers.Contains(uid))
            {
                continue;
            }

            if (JobPods.IsIndexed(ctx.Job))
            {
                var ix = JobPods.CompletionIndex(p);
                if (ix == JobPods.UnknownIndex || ix >= (ctx.Job.Spec.Completions ?? 1))
                {
                    continue;
                }
            }

            yield return p;
        }
    }

    // What one sync knows about the Job and its pods.
    private sealed class Context
    {
        public Context(V1Job job, IReadOnlyList<V1Pod> pods, IReadOnlySet<string> expectedRemovedFinalizers)
        {
            Job = job;
            Pods = pods;
            ActivePods = pods.Where(PodState.IsActive).ToList();
            Ready = ActivePods.Count(PodState.IsReady);
            Terminating = pods.Count(p => PodState.IsTerminating(p) && !PodState.IsTerminal(p));
            ExpectedRemovedFinalizers = expectedRemovedFinalizers;
        }

        public V1Job Job { get; }

        public IReadOnlyList<V1Pod> Pods { get; }

        public List<V1Pod> ActivePods { get; }

        public IReadOnlySet<string> ExpectedRemovedFinalizers { get; }

        public int Ready { get; set; }

        public int Terminating { get; set; }

        public int Succeeded { get; set; }

        public int Failed { get; set; }

        public V1JobCondition? Finished { get; set; }

        public IndexSet PreviousSucceededIndexes { get; set; } = IndexSet.Empty;

        public IndexSet SucceededIndexes { get; set; } = IndexSet.Empty;

        public IndexSet? FailedIndexes { get; set; }

        public Dictionary<int, V1Pod> Delayed { get; set; } = [];

        public JobBackoff NewBackoff { get; set; } = JobBackoff.None;
    }
}
