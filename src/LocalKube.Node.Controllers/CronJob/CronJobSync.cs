using System.Globalization;
using k8s.Models;
using LocalKube.Node.Controllers.Job;
using LocalKube.Node.Controllers.Shared;

namespace LocalKube.Node.Controllers.CronJob;

/// <summary>
/// One sync of one CronJob (<c>cronjob_controllerv2</c>): history cleanup, the active list, then at most one Job
/// for the most recent missed time (named after its minute), with concurrencyPolicy, suspend,
/// startingDeadlineSeconds and timeZone. Returns when the next time is due (+100 ms).
/// </summary>
public sealed class CronJobSync(ICronJobActions actions, TimeProvider time)
{
    /// <summary>Annotation with the scheduled time (1.32+), RFC 3339 in the CronJob's zone.</summary>
    public const string ScheduledTimestampAnnotation = "batch.kubernetes.io/cronjob-scheduled-timestamp";

    private static readonly TimeSpan NextScheduleDelta = TimeSpan.FromMilliseconds(100);

    /// <summary>Syncs <paramref name="cronJob"/> given the Jobs it controls; returns when to look again.</summary>
    public async Task<TimeSpan?> SyncAsync(V1CronJob cronJob, IReadOnlyList<V1Job> jobs, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(cronJob);
        var cj = ModelCopy.Clone(cronJob);
        cj.Status ??= new V1CronJobStatus();
        var updateStatus = await CleanupFinishedJobsAsync(cj, jobs, ct);
        TimeSpan? requeue = null;
        Exception? syncError = null;
        try
        {
            (requeue, var changed) = await SyncCronJobAsync(cj, jobs, ct);
            updateStatus |= changed;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            syncError = e;
            updateStatus = true;
        }

        if (updateStatus)
        {
            await actions.UpdateStatusAsync(cj, ct);
        }

        if (requeue is not null)
        {
            return requeue;
        }

        if (syncError is not null)
        {
            throw syncError;
        }

        return null;
    }

    /// <summary><c>getJobName</c>: the CronJob's name and the scheduled time in minutes since the epoch.</summary>
    public static string JobName(V1CronJob cj, DateTime scheduled) =>
        string.Create(CultureInfo.InvariantCulture, $"{cj.Metadata.Name}-{new DateTimeOffset(DateTime.SpecifyKind(scheduled, DateTimeKind.Utc)).ToUnixTimeSeconds() / 60}");

    /// <summary>
    /// <c>getJobFromTemplate2</c>: the template's labels, annotations and spec, the deterministic name, the
    /// scheduled-timestamp annotation and a controller reference.
    /// </summary>
    public static V1Job JobFromTemplate(V1CronJob cj, DateTime scheduled, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(cj);
        ArgumentNullException.ThrowIfNull(zone);
        var template = cj.Spec.JobTemplate;
        var annotations = new Dictionary<string, string>(template?.Metadata?.Annotations ?? new Dictionary<string, string>());
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(scheduled, DateTimeKind.Utc), zone);
        var offset = zone.GetUtcOffset(local);
        annotations[ScheduledTimestampAnnotation] = offset == TimeSpan.Zero
            ? local.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : new DateTimeOffset(local, offset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        return new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = new V1ObjectMeta
            {
                Name = JobName(cj, scheduled),
                NamespaceProperty = cj.Metadata.NamespaceProperty,
                Labels = template?.Metadata?.Labels is { Count: > 0 } l ? new Dictionary<string, string>(l) : null,
                Annotations = annotations,
                OwnerReferences = [ControllerRefs.For(cj, "batch/v1", "CronJob")],
            },
            Spec = template?.Spec is null ? new V1JobSpec() : ModelCopy.Clone(template.Spec),
        };
    }

    /// <summary>
    /// <c>mostRecentScheduleTime</c>: the latest activation not after now since the last schedule (or creation,
    /// or now − startingDeadlineSeconds), and how many were missed (an estimate, as upstream's).
    /// </summary>
    public static (DateTime Earliest, DateTime? MostRecent, long Missed) MostRecentScheduleTime(V1CronJob cj, DateTime now, CronSchedule schedule, bool includeStartingDeadline)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var earliest = (cj.Status?.LastScheduleTime ?? cj.Metadata.CreationTimestamp ?? now).ToUniversalTime();
        if (includeStartingDeadline && cj.Spec.StartingDeadlineSeconds is { } deadline)
        {
            var schedulingDeadline = now.AddSeconds(-deadline);
            if (schedulingDeadline > earliest)
            {
                earliest = schedulingDeadline;
            }
        }

        if (schedule.Next(earliest) is not { } t1 || now < t1)
        {
            return (earliest, null, 0);
        }

        if (schedule.Next(t1) is not { } t2 || now < t2)
        {
            return (earliest, t1, 0);
        }

        var between = (long)Math.Round((t2 - t1).TotalSeconds);
        if (between < 1)
        {
            throw new FormatException("time difference between two schedules is less than 1 second");
        }

        var elapsed = (long)(now - t1).TotalSeconds;
        var missed = (elapsed / between) + 1;
        DateTime? mostRecent = null;
        var potentialEarliest = t1.AddSeconds((missed - 2) * between);
        for (var t = schedule.Next(potentialEarliest); t is { } x && x <= now; t = schedule.Next(x))
        {
            mostRecent = x;
        }

        return (earliest, mostRecent, missed);
    }

    // The schedule in the CronJob's zone (spec.timeZone, else the controller's, which is UTC here).
    private CronSchedule? ParseSchedule(V1CronJob cj)
    {
        var zone = TimeZoneInfo.Utc;
        if (cj.Spec.Schedule.Contains("TZ", StringComparison.Ordinal))
        {
            actions.Event(cj, "Warning", "UnsupportedSchedule", $"CRON_TZ or TZ used in schedule \"{cj.Spec.Schedule}\" is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details");
        }
        else if (cj.Spec.TimeZone is { } name && CronSchedule.FindZone(name) is { } found)
        {
            zone = found;
        }

        try
        {
            return CronSchedule.Parse(cj.Spec.Schedule, zone);
        }
        catch (FormatException e)
        {
            actions.Event(cj, "Warning", "UnparseableSchedule", $"unparseable schedule: \"{cj.Spec.Schedule}\" : {e.Message}");
            return null;
        }
    }

    private TimeSpan? NextScheduleDuration(V1CronJob cj, DateTime now, CronSchedule schedule)
    {
        DateTime from;
        try
        {
            var (earliest, mostRecent, missed) = MostRecentScheduleTime(cj, now, schedule, includeStartingDeadline: false);
            from = mostRecent ?? (missed == 0 ? earliest : now);
        }
        catch (FormatException)
        {
            from = now;
        }

        return schedule.Next(from) is { } next ? next + NextScheduleDelta - now : null;
    }

    private async Task<(TimeSpan? Requeue, bool UpdateStatus)> SyncCronJobAsync(V1CronJob cj, IReadOnlyList<V1Job> jobs, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var updateStatus = false;
        var children = new HashSet<string>(StringComparer.Ordinal);
        foreach (var j in jobs)
        {
            children.Add(j.Metadata.Uid);
            var found = InActiveList(cj, j.Metadata.Uid);
            if (!found && !JobConditions.IsFinished(j))
            {
                var fresh = await actions.GetCronJobAsync(cj.Metadata.NamespaceProperty, cj.Metadata.Name, ct);
                if (fresh is not null && InActiveList(fresh, j.Metadata.Uid))
                {
                    cj.Status = fresh.Status ?? new V1CronJobStatus();
                    continue;
                }

                actions.Event(cj, "Warning", "UnexpectedJob", $"Saw a job that the controller did not create or forgot: {j.Metadata.Name}");
            }
            else if (found && JobConditions.IsFinished(j))
            {
                var condition = JobConditions.IsTrue(j, JobConditions.Complete) ? JobConditions.Complete : JobConditions.Failed;
                RemoveFromActive(cj, j.Metadata.Uid);
                actions.Event(cj, "Normal", "SawCompletedJob", $"Saw completed job: {j.Metadata.Name}, status: {condition}");
                updateStatus = true;
            }
            else if (JobConditions.IsTrue(j, JobConditions.Complete))
            {
                if (j.Status?.CompletionTime is { } done && (cj.Status.LastSuccessfulTime is null || done > cj.Status.LastSuccessfulTime))
                {
                    cj.Status.LastSuccessfulTime = done;
                    updateStatus = true;
                }
            }
        }

        foreach (var reference in (cj.Status.Active ?? []).ToList())
        {
            if (children.Contains(reference.Uid))
            {
                continue;
            }

            if (await actions.GetJobAsync(reference.NamespaceProperty ?? cj.Metadata.NamespaceProperty, reference.Name, ct) is null)
            {
                actions.Event(cj, "Normal", "MissingJob", $"Active job went missing: {reference.Name}");
                RemoveFromActive(cj, reference.Uid);
                updateStatus = true;
            }
        }

        if (cj.Metadata.DeletionTimestamp is not null)
        {
            return (null, updateStatus);
        }

        if (cj.Spec.TimeZone is { } zoneName && CronSchedule.FindZone(zoneName) is null)
        {
            actions.Event(cj, "Warning", "UnknownTimeZone", $"invalid timeZone: \"{zoneName}\": unknown time zone {zoneName}");
            return (null, updateStatus);
        }

        if (cj.Spec.Suspend == true)
        {
            return (null, updateStatus);
        }

        if (ParseSchedule(cj) is not { } schedule)
        {
            return (null, updateStatus);
        }

        DateTime? scheduled;
        try
        {
            var (_, mostRecent, missed) = MostRecentScheduleTime(cj, now, schedule, includeStartingDeadline: true);
            scheduled = mostRecent is { } m && m <= now ? m : null;
            if (scheduled is not null && missed > 100)
            {
                actions.Event(cj, "Warning", "TooManyMissedTimes", "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew");
            }
        }
        catch (FormatException e)
        {
            actions.Event(cj, "Warning", "InvalidSchedule", $"invalid schedule: {cj.Spec.Schedule} : {e.Message}");
            return (null, updateStatus);
        }

        if (scheduled is not { } scheduledTime)
        {
            return (NextScheduleDuration(cj, now, schedule), updateStatus);
        }

        if (cj.Spec.StartingDeadlineSeconds is { } deadline && scheduledTime.AddSeconds(deadline) < now)
        {
            actions.Event(cj, "Warning", "MissSchedule", $"Missed scheduled time to start a job: {scheduledTime.ToUniversalTime().ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture)}");
            return (NextScheduleDuration(cj, now, schedule), updateStatus);
        }

        var name = JobName(cj, scheduledTime);
        if ((cj.Status.Active ?? []).Any(a => a.Name == name) || cj.Status.LastScheduleTime?.ToUniversalTime() == scheduledTime)
        {
            return (NextScheduleDuration(cj, now, schedule), updateStatus);
        }

        if (cj.Spec.ConcurrencyPolicy == "Forbid" && (cj.Status.Active?.Count ?? 0) > 0)
        {
            actions.Event(cj, "Normal", "JobAlreadyActive", "Not starting job because prior execution is running and concurrency policy is Forbid");
            return (NextScheduleDuration(cj, now, schedule), updateStatus);
        }

        if (cj.Spec.ConcurrencyPolicy == "Replace")
        {
            foreach (var reference in (cj.Status.Active ?? []).ToList())
            {
                var job = await actions.GetJobAsync(reference.NamespaceProperty ?? cj.Metadata.NamespaceProperty, reference.Name, ct);
                if (job is null || !await DeleteJobAsync(cj, job, ct))
                {
                    throw new InvalidOperationException($"could not replace job {reference.NamespaceProperty}/{reference.Name}");
                }

                updateStatus = true;
            }
        }

        var request = JobFromTemplate(cj, scheduledTime, schedule.Zone);
        V1Job created;
        var alreadyExists = false;
        try
        {
            created = await actions.CreateJobAsync(request, ct);
        }
        catch (Exception e) when (ApiErrors.IsNamespaceTerminating(e))
        {
            throw;
        }
        catch (Exception e) when (ApiErrors.IsAlreadyExists(e))
        {
            alreadyExists = true;
            var existing = await actions.GetJobAsync(request.Metadata.NamespaceProperty, request.Metadata.Name, ct);
            if (existing is null || !ControllerRefs.IsControlledBy(existing.Metadata, cj.Metadata.Uid))
            {
                // Someone else's Job of that name: assume they keep this status.
                return (null, updateStatus);
            }

            if (JobConditions.IsFinished(existing))
            {
                return (NextScheduleDuration(cj, now, schedule), updateStatus);
            }

            created = existing;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            actions.Event(cj, "Warning", "FailedCreate", $"Error creating job: {ApiErrors.Message(e)}");
            throw;
        }

        if (!alreadyExists)
        {
            actions.Event(cj, "Normal", "SuccessfulCreate", $"Created job {created.Metadata.Name}");
        }

        cj.Status.Active ??= new List<V1ObjectReference>();
        if (!InActiveList(cj, created.Metadata.Uid))
        {
            cj.Status.Active.Add(new V1ObjectReference
            {
                ApiVersion = "batch/v1",
                Kind = "Job",
                Name = created.Metadata.Name,
                NamespaceProperty = created.Metadata.NamespaceProperty,
                Uid = created.Metadata.Uid,
                ResourceVersion = created.Metadata.ResourceVersion,
            });
        }

        cj.Status.LastScheduleTime = scheduledTime;
        return (NextScheduleDuration(cj, now, schedule), true);
    }

    private static bool InActiveList(V1CronJob cj, string? uid) => (cj.Status?.Active ?? []).Any(a => a.Uid == uid);

    private static void RemoveFromActive(V1CronJob cj, string? uid)
    {
        if (cj.Status.Active is { } active)
        {
            cj.Status.Active = active.Where(a => a.Uid != uid).ToList();
        }
    }

    private async Task<bool> DeleteJobAsync(V1CronJob cj, V1Job job, CancellationToken ct)
    {
        try
        {
            await actions.DeleteJobAsync(job, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            actions.Event(cj, "Warning", "FailedDelete", $"Deleted job: {ApiErrors.Message(e)}");
            return false;
        }

        RemoveFromActive(cj, job.Metadata.Uid);
        actions.Event(cj, "Normal", "SuccessfulDelete", $"Deleted job {job.Metadata.Name}");
        return true;
    }

    // cleanupFinishedJobs: successful and failed Jobs beyond their history limits, oldest start first.
    private async Task<bool> CleanupFinishedJobsAsync(V1CronJob cj, IReadOnlyList<V1Job> jobs, CancellationToken ct)
    {
        if (cj.Spec.SuccessfulJobsHistoryLimit is null && cj.Spec.FailedJobsHistoryLimit is null)
        {
            return false;
        }

        var updated = false;
        var succeeded = jobs.Where(j => JobConditions.IsTrue(j, JobConditions.Complete)).ToList();
        var failed = jobs.Where(j => JobConditions.IsTrue(j, JobConditions.Failed)).ToList();
        if (cj.Spec.SuccessfulJobsHistoryLimit is { } s)
        {
            updated |= await RemoveOldestAsync(cj, succeeded, s, ct);
        }

        if (cj.Spec.FailedJobsHistoryLimit is { } f)
        {
            updated |= await RemoveOldestAsync(cj, failed, f, ct);
        }

        return updated;
    }

    private async Task<bool> RemoveOldestAsync(V1CronJob cj, List<V1Job> jobs, int keep, CancellationToken ct)
    {
        var excess = jobs.Count - keep;
        if (excess <= 0)
        {
            return false;
        }

        jobs.Sort((a, b) =>
        {
            var ta = a.Status?.StartTime;
            var tb = b.Status?.StartTime;
            if (ta is null != tb is null)
            {
                return ta is null ? 1 : -1;
            }

            var c = Nullable.Compare(ta, tb);
            return c != 0 ? c : string.CompareOrdinal(a.Metadata.Name, b.Metadata.Name);
        });
        var updated = false;
        for (var i = 0; i < excess; i++)
        {
            updated |= await DeleteJobAsync(cj, jobs[i], ct);
        }

        return updated;
    }
}
