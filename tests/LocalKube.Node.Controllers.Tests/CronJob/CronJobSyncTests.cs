using System.Globalization;
using k8s.Models;
using LocalKube.Node.Controllers.CronJob;
using LocalKube.Node.Controllers.Shared;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace LocalKube.Node.Controllers.Tests.CronJob;

[TestFixture]
public sealed class CronJobSyncTests
{
    private static readonly DateTime Created = new(2026, 3, 2, 10, 0, 30, DateTimeKind.Utc);
    private FakeTimeProvider _time = null!;
    private FakeCronJobActions _api = null!;
    private CronJobSync _sync = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider(new DateTimeOffset(Created));
        _api = new FakeCronJobActions();
        _sync = new CronJobSync(_api, _time);
    }

    [Test]
    public async Task EveryMinute_CreatesOneJobNamedAfterTheMinute_AndRequeuesForTheNext()
    {
        var cj = CronJob("*/1 * * * *");
        var requeue = await _sync.SyncAsync(cj, [], CancellationToken.None);
        Assert.That(_api.Jobs, Is.Empty, "nothing is due before 10:01");
        Assert.That(requeue, Is.EqualTo(TimeSpan.FromSeconds(30.1)));

        _time.Advance(requeue!.Value);
        requeue = await _sync.SyncAsync(cj, [], CancellationToken.None);
        var scheduled = new DateTime(2026, 3, 2, 10, 1, 0, DateTimeKind.Utc);
        var job = _api.Jobs.Values.Single();
        var minutes = new DateTimeOffset(scheduled).ToUnixTimeSeconds() / 60;
        Assert.Multiple(() =>
        {
            Assert.That(job.Metadata.Name, Is.EqualTo($"hello-{minutes.ToString(CultureInfo.InvariantCulture)}"));
            Assert.That(job.Metadata.Labels["team"], Is.EqualTo("a"));
            Assert.That(job.Metadata.Annotations[CronJobSync.ScheduledTimestampAnnotation], Is.EqualTo("2026-03-02T10:01:00Z"));
            Assert.That(job.Metadata.OwnerReferences.Single().Kind, Is.EqualTo("CronJob"));
            Assert.That(job.Spec.Template.Spec.Containers[0].Image, Is.EqualTo("busybox"));
            Assert.That(_api.Stored!.Status.LastScheduleTime, Is.EqualTo(scheduled));
            Assert.That(_api.Stored.Status.Active.Single().Name, Is.EqualTo(job.Metadata.Name));
            Assert.That(_api.Events, Is.EqualTo(new[] { $"Normal SuccessfulCreate Created job {job.Metadata.Name}" }));
            Assert.That(requeue, Is.EqualTo(TimeSpan.FromSeconds(60)), "10:02:00.1 from 10:01:00.1");
        });

        // The same minute again (a resync): no second Job.
        await _sync.SyncAsync(_api.Stored!, _api.Jobs.Values.ToList(), CancellationToken.None);
        Assert.That(_api.Jobs, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Forbid_SkipsWhileAJobIsActive()
    {
        var cj = CronJob("*/1 * * * *");
        cj.Spec.ConcurrencyPolicy = "Forbid";
        _time.Advance(TimeSpan.FromMinutes(1));
        await _sync.SyncAsync(cj, [], CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(1));
        await _sync.SyncAsync(_api.Stored!, _api.Jobs.Values.ToList(), CancellationToken.None);
        Assert.That(_api.Jobs, Has.Count.EqualTo(1));
        Assert.That(_api.Events[^1], Is.EqualTo("Normal JobAlreadyActive Not starting job because prior execution is running and concurrency policy is Forbid"));
    }

    [Test]
    public async Task Replace_DeletesTheActiveJobFirst()
    {
        var cj = CronJob("*/1 * * * *");
        cj.Spec.ConcurrencyPolicy = "Replace";
        _time.Advance(TimeSpan.FromMinutes(1));
        await _sync.SyncAsync(cj, [], CancellationToken.None);
        var first = _api.Jobs.Keys.Single();
        _time.Advance(TimeSpan.FromMinutes(1));
        await _sync.SyncAsync(_api.Stored!, _api.Jobs.Values.ToList(), CancellationToken.None);
        Assert.That(_api.Jobs.Keys, Has.No.Member(first));
        Assert.That(_api.Jobs, Has.Count.EqualTo(1));
        Assert.That(_api.Events, Does.Contain($"Normal SuccessfulDelete Deleted job {first}"));
        Assert.That(_api.Stored!.Status.Active.Single().Name, Is.Not.EqualTo(first));
    }

    [Test]
    public async Task CompletedJob_LeavesTheActiveList_AndSetsLastSuccessfulTime()
    {
        var cj = CronJob("*/1 * * * *");
        _time.Advance(TimeSpan.FromMinutes(1));
        await _sync.SyncAsync(cj, [], CancellationToken.None);
        var job = _api.Jobs.Values.Single();
        var done = _time.GetUtcNow().UtcDateTime.AddSeconds(5);
        job.Status = new V1JobStatus
        {
            CompletionTime = done,
            Conditions = [new V1JobCondition { Type = "Complete", Status = "True" }],
        };
        await _sync.SyncAsync(_api.Stored!, [job], CancellationToken.None);
        Assert.That(_api.Events, Does.Contain($"Normal SawCompletedJob Saw completed job: {job.Metadata.Name}, status: Complete"));
        Assert.That(_api.Stored!.Status.Active, Is.Empty);
        await _sync.SyncAsync(_api.Stored!, [job], CancellationToken.None);
        Assert.That(_api.Stored!.Status.LastSuccessfulTime, Is.EqualTo(done));
    }

    [Test]
    public async Task HistoryLimits_DeleteTheOldestFinishedJobs()
    {
        var cj = CronJob("@hourly");
        cj.Spec.SuccessfulJobsHistoryLimit = 1;
        cj.Spec.FailedJobsHistoryLimit = 1;
        var jobs = new List<V1Job>
        {
            Finished("hello-1", "Complete", 1),
            Finished("hello-2", "Complete", 2),
            Finished("hello-3", "Failed", 3),
            Finished("hello-4", "Failed", 4),
        };
        foreach (var j in jobs)
        {
            _api.Jobs[j.Metadata.Name] = j;
        }

        await _sync.SyncAsync(cj, jobs, CancellationToken.None);
        Assert.That(_api.Jobs.Keys, Is.EquivalentTo(new[] { "hello-2", "hello-4" }));
    }

    [Test]
    public async Task ManyMissed_Warns_AndRunsOnlyTheLatest()
    {
        var cj = CronJob("*/1 * * * *");
        _time.Advance(TimeSpan.FromHours(3));
        await _sync.SyncAsync(cj, [], CancellationToken.None);
        Assert.That(_api.Events[0], Is.EqualTo("Warning TooManyMissedTimes too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew"));
        Assert.That(_api.Jobs, Has.Count.EqualTo(1));
        Assert.That(_api.Stored!.Status.LastScheduleTime, Is.EqualTo(new DateTime(2026, 3, 2, 13, 0, 0, DateTimeKind.Utc)));
    }

    [Test]
    public async Task Suspended_CreatesNothing()
    {
        var cj = CronJob("*/1 * * * *");
        cj.Spec.Suspend = true;
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.That(await _sync.SyncAsync(cj, [], CancellationToken.None), Is.Null);
        Assert.That(_api.Jobs, Is.Empty);
    }

    [Test]
    public async Task TimeZone_SchedulesInThatZone_AndAnnotatesWithItsOffset()
    {
        var cj = CronJob("0 12 * * *");
        cj.Spec.TimeZone = "Asia/Tokyo";
        _time.Advance(TimeSpan.FromDays(1));
        await _sync.SyncAsync(cj, [], CancellationToken.None);
        var job = _api.Jobs.Values.Single();
        Assert.That(_api.Stored!.Status.LastScheduleTime, Is.EqualTo(new DateTime(2026, 3, 3, 3, 0, 0, DateTimeKind.Utc)));
        Assert.That(job.Metadata.Annotations[CronJobSync.ScheduledTimestampAnnotation], Is.EqualTo("2026-03-03T12:00:00+09:00"));
    }

    [Test]
    public async Task UnknownTimeZone_Warns()
    {
        var cj = CronJob("* * * * *");
        cj.Spec.TimeZone = "Mars/Olympus";
        _time.Advance(TimeSpan.FromMinutes(2));
        await _sync.SyncAsync(cj, [], CancellationToken.None);
        Assert.That(_api.Events.Single(), Does.StartWith("Warning UnknownTimeZone invalid timeZone: \"Mars/Olympus\""));
        Assert.That(_api.Jobs, Is.Empty);
    }

    private static V1Job Finished(string name, string type, int hour) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default", Uid = "uid-" + name, OwnerReferences = [new V1OwnerReference { Uid = "cj-uid", Controller = true, Kind = "CronJob", Name = "hello", ApiVersion = "batch/v1" }] },
        Status = new V1JobStatus
        {
            StartTime = Created.AddHours(-10 + hour),
            Conditions = [new V1JobCondition { Type = type, Status = "True" }],
        },
    };

    private static V1CronJob CronJob(string schedule) => new()
    {
        Metadata = new V1ObjectMeta { Name = "hello", NamespaceProperty = "default", Uid = "cj-uid", CreationTimestamp = Created },
        Spec = new V1CronJobSpec
        {
            Schedule = schedule,
            ConcurrencyPolicy = "Allow",
            JobTemplate = new V1JobTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["team"] = "a" } },
                Spec = new V1JobSpec
                {
                    Template = new V1PodTemplateSpec
                    {
                        Spec = new V1PodSpec { RestartPolicy = "OnFailure", Containers = [new V1Container { Name = "c", Image = "busybox" }] },
                    },
                },
            },
        },
        Status = new V1CronJobStatus(),
    };

    private sealed class FakeCronJobActions : ICronJobActions
    {
        public Dictionary<string, V1Job> Jobs { get; } = [];

        public List<string> Events { get; } = [];

        public V1CronJob? Stored { get; private set; }

        public Task<V1Job> CreateJobAsync(V1Job job, CancellationToken cancellationToken)
        {
            var copy = ModelCopy.Clone(job);
            copy.Metadata.Uid = "uid-" + job.Metadata.Name;
            Jobs[job.Metadata.Name] = copy;
            return Task.FromResult(copy);
        }

        public Task<V1Job?> GetJobAsync(string ns, string name, CancellationToken cancellationToken) => Task.FromResult(Jobs.GetValueOrDefault(name));

        public Task DeleteJobAsync(V1Job job, CancellationToken cancellationToken)
        {
            Jobs.Remove(job.Metadata.Name);
            return Task.CompletedTask;
        }

        public Task<V1CronJob?> GetCronJobAsync(string ns, string name, CancellationToken cancellationToken) => Task.FromResult(Stored);

        public Task UpdateStatusAsync(V1CronJob cronJob, CancellationToken cancellationToken)
        {
            Stored = ModelCopy.Clone(cronJob);
            return Task.CompletedTask;
        }

        public void Event(V1CronJob cronJob, string type, string reason, string message) => Events.Add($"{type} {reason} {message}");
    }
}
