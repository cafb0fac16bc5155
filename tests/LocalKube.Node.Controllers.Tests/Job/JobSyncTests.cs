using k8s.Models;
using LocalKube.Node.Controllers.Job;
using LocalKube.Node.Controllers.Shared;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace LocalKube.Node.Controllers.Tests.Job;

[TestFixture]
public sealed class JobSyncTests
{
    private FakeTimeProvider _time = null!;
    private FakeJobActions _api = null!;
    private JobSync _sync = null!;
    private JobBackoff _backoff = JobBackoff.None;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        _api = new FakeJobActions(() => _time.GetUtcNow().UtcDateTime);
        _sync = new JobSync(_api, _time);
        _backoff = JobBackoff.None;
    }

    [Test]
    public async Task CompletionsFive_ParallelismTwo_Completes_NeverMoreThanTwoActive()
    {
        var job = Job(completions: 5, parallelism: 2);
        job = await RunAsync(job, _ => 0);
        Assert.Multiple(() =>
        {
            Assert.That(Condition(job, "Complete")?.Status, Is.EqualTo("True"));
            Assert.That(Condition(job, "Complete")!.Reason, Is.EqualTo("CompletionsReached"));
            Assert.That(Condition(job, "SuccessCriteriaMet")?.Status, Is.EqualTo("True"), "the interim condition stays");
            Assert.That(job.Status.Succeeded, Is.EqualTo(5));
            Assert.That(job.Status.CompletionTime, Is.Not.Null);
            Assert.That(_api.MaxActiveSeen, Is.LessThanOrEqualTo(2));
            Assert.That(_api.Pods.Values.All(p => !JobPods.HasTrackingFinalizer(p)), "every finalizer removed");
            Assert.That(_api.Events.Count(e => e.StartsWith("Normal SuccessfulCreate Created pod: pi-", StringComparison.Ordinal)), Is.EqualTo(5));
            Assert.That(_api.Events[^1], Is.EqualTo("Normal Completed Job completed"));
        });
    }

    [Test]
    public async Task AlwaysFailing_BackoffLimitExceeded_WithDelaysBetweenAttempts()
    {
        var job = Job(completions: 1, parallelism: 1, backoffLimit: 2);
        var createdAt = new List<DateTime>();
        job = await RunAsync(job, p =>
        {
            createdAt.Add(p.Metadata.CreationTimestamp!.Value);
            return 1;
        });
        Assert.Multiple(() =>
        {
            Assert.That(Condition(job, "Failed")?.Reason, Is.EqualTo("BackoffLimitExceeded"));
            Assert.That(Condition(job, "Failed")!.Message, Is.EqualTo("Job has reached the specified backoff limit"));
            Assert.That(Condition(job, "FailureTarget")?.Status, Is.EqualTo("True"));
            Assert.That(job.Status.Failed, Is.EqualTo(3));
            Assert.That(Condition(job, "Complete"), Is.Null);
            Assert.That(_api.Events, Does.Contain("Warning BackoffLimitExceeded Job has reached the specified backoff limit"));
            Assert.That(createdAt, Has.Count.EqualTo(3));
            Assert.That(createdAt[1] - createdAt[0], Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(10)));
            Assert.That(createdAt[2] - createdAt[1], Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(20)));
        });
    }

    [Test]
    public async Task Indexed_PodsCarryTheirIndex_AndCompletedIndexesAreRecorded()
    {
        var job = Job(completions: 3, parallelism: 3);
        job.Spec.CompletionMode = "Indexed";
        await _sync.SyncAsync(ModelCopy.Clone(job), [], true, new HashSet<string>(), _backoff, CancellationToken.None);
        var pods = _api.Pods.Values.OrderBy(JobPods.CompletionIndex).ToList();
        Assert.That(pods.Select(JobPods.CompletionIndex), Is.EqualTo(new[] { 0, 1, 2 }));
        var pod = pods[1];
        Assert.Multiple(() =>
        {
            Assert.That(pod.Metadata.Labels["batch.kubernetes.io/job-completion-index"], Is.EqualTo("1"));
            Assert.That(pod.Metadata.GenerateName, Is.EqualTo("pi-1-"));
            Assert.That(pod.Spec.Hostname, Is.EqualTo("pi-1"));
            var env = pod.Spec.Containers[0].Env.Single(e => e.Name == "JOB_COMPLETION_INDEX");
            Assert.That(env.ValueFrom.FieldRef.FieldPath, Is.EqualTo("metadata.annotations['batch.kubernetes.io/job-completion-index']"));
            Assert.That(pod.Metadata.Finalizers, Does.Contain("batch.kubernetes.io/job-tracking"));
        });

        job = await RunAsync(_api.Stored!, p => JobPods.CompletionIndex(p) == 1 && p.Metadata.Name.EndsWith("x2", StringComparison.Ordinal) ? 3 : 0);
        Assert.That(job.Status.CompletedIndexes, Is.EqualTo("0-2"));
        Assert.That(Condition(job, "Complete")?.Status, Is.EqualTo("True"));
    }

    [Test]
    public async Task PodFailurePolicy_FailJob_UsesUpstreamMessage()
    {
        var job = Job(completions: 1, parallelism: 1, backoffLimit: 6);
        job.Spec.PodFailurePolicy = new V1PodFailurePolicy
        {
            Rules = [new V1PodFailurePolicyRule { Action = "FailJob", OnExitCodes = new V1PodFailurePolicyOnExitCodesRequirement { OperatorProperty = "In", Values = [42] } }],
        };
        job = await RunAsync(job, _ => 42);
        var failed = Condition(job, "Failed");
        Assert.That(failed?.Reason, Is.EqualTo("PodFailurePolicy"));
        Assert.That(failed!.Message, Does.Match(@"^Container c for pod default/pi-x\d+ failed with exit code 42 matching FailJob rule at index 0$"));
        Assert.That(job.Status.Failed, Is.EqualTo(1));
    }

    [Test]
    public async Task PodFailurePolicy_Ignore_DoesNotCount()
    {
        var job = Job(completions: 1, parallelism: 1, backoffLimit: 0);
        job.Spec.PodFailurePolicy = new V1PodFailurePolicy
        {
            Rules = [new V1PodFailurePolicyRule { Action = "Ignore", OnExitCodes = new V1PodFailurePolicyOnExitCodesRequirement { OperatorProperty = "In", Values = [7] } }],
        };
        var attempts = 0;
        job = await RunAsync(job, _ => ++attempts == 1 ? 7 : 0);
        Assert.That(Condition(job, "Complete")?.Status, Is.EqualTo("True"));
        Assert.That(job.Status.Failed ?? 0, Is.Zero);
    }

    [Test]
    public async Task SuccessPolicy_MetByIndexZero_TerminatesTheRest()
    {
        var job = Job(completions: 3, parallelism: 3);
        job.Spec.CompletionMode = "Indexed";
        job.Spec.SuccessPolicy = new V1SuccessPolicy { Rules = [new V1SuccessPolicyRule { SucceededIndexes = "0" }] };
        await SyncCore(job);
        var leader = _api.Pods.Values.Single(p => JobPods.CompletionIndex(p) == 0);
        leader.Status = new V1PodStatus { Phase = "Succeeded" };
        foreach (var other in _api.Pods.Values.Where(p => p != leader))
        {
            other.Status = new V1PodStatus { Phase = "Running" };
        }

        job = await RunAsync(_api.Stored!, _ => 0);
        Assert.Multiple(() =>
        {
            Assert.That(Condition(job, "SuccessCriteriaMet")?.Reason, Is.EqualTo("SuccessPolicy"));
            Assert.That(Condition(job, "SuccessCriteriaMet")!.Message, Is.EqualTo("Matched rules at index 0"));
            Assert.That(Condition(job, "Complete")?.Reason, Is.EqualTo("SuccessPolicy"));
            Assert.That(job.Status.CompletedIndexes, Is.EqualTo("0"));
        });
    }

    [Test]
    public async Task ActiveDeadline_FailsWithDeadlineExceeded_AndAsksForATimer()
    {
        var job = Job(completions: 1, parallelism: 1);
        job.Spec.ActiveDeadlineSeconds = 30;
        var result = await SyncCore(job);
        Assert.That(result.RequeueAfter, Is.EqualTo(TimeSpan.FromSeconds(30)));
        _api.Pods.Values.Single().Status.Phase = "Running";
        _time.Advance(TimeSpan.FromSeconds(31));
        job = await RunAsync(_api.Stored!, _ => 0);
        Assert.That(Condition(job, "Failed")?.Reason, Is.EqualTo("DeadlineExceeded"));
        Assert.That(Condition(job, "Failed")!.Message, Is.EqualTo("Job was active longer than specified deadline"));
    }

    [Test]
    public async Task Suspend_DeletesActivePods_AndSetsSuspended()
    {
        var job = Job(completions: 2, parallelism: 2);
        await SyncCore(job);
        var stored = _api.Stored!;
        stored.Spec.Suspend = true;
        await SyncCore(stored);
        Assert.That(Condition(_api.Stored!, "Suspended")?.Status, Is.EqualTo("True"));
        Assert.That(Condition(_api.Stored!, "Suspended")!.Reason, Is.EqualTo("JobSuspended"));
        Assert.That(_api.Events, Does.Contain("Normal Suspended Job suspended"));
        Assert.That(_api.Pods.Values.All(p => p.Metadata.DeletionTimestamp is not null || !JobPods.HasTrackingFinalizer(p)));
    }

    [Test]
    public async Task BackoffLimitPerIndex_FailsOnlyThatIndex_WithItsOwnCountAndBackoff()
    {
        var job = Job(completions: 2, parallelism: 2, backoffLimit: int.MaxValue);
        job.Spec.CompletionMode = "Indexed";
        job.Spec.BackoffLimitPerIndex = 1;
        var created = new List<(int Index, string Count, DateTime At)>();
        job = await RunAsync(job, p =>
        {
            var index = JobPods.CompletionIndex(p);
            created.Add((index, p.Metadata.Annotations[IndexFailures.FailureCountAnnotation], p.Metadata.CreationTimestamp!.Value));
            return index == 1 ? 1 : 0;
        });
        var retries = created.Where(c => c.Index == 1).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(Condition(job, "Failed")?.Reason, Is.EqualTo("FailedIndexes"));
            Assert.That(Condition(job, "Failed")!.Message, Is.EqualTo("Job has failed indexes"));
            Assert.That(job.Status.FailedIndexes, Is.EqualTo("1"));
            Assert.That(job.Status.CompletedIndexes, Is.EqualTo("0"));
            Assert.That(retries.Select(r => r.Count), Is.EqualTo(new[] { "0", "1" }), "one retry, counted in the annotation");
            Assert.That(retries[1].At - retries[0].At, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(10)), "the index's own backoff");
            Assert.That(job.Status.Failed, Is.EqualTo(2));
        });
    }

    [TestCase(1, 10)]
    [TestCase(2, 20)]
    [TestCase(6, 320)]
    [TestCase(7, 600)]
    [TestCase(20, 600)]
    public void Backoff_DoublesFromTenSeconds_CappedAtTenMinutes(int failures, int seconds)
    {
        var now = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        Assert.That(JobBackoff.RemainingFor(failures, now, now), Is.EqualTo(TimeSpan.FromSeconds(seconds)));
    }

    [TestCase("1,3-5,7", 10, "1,3-5,7")]
    [TestCase("5,1,2,3", 10, "1-3,5")]
    [TestCase("1,2", 10, "1,2")]
    [TestCase("0-20", 4, "0-3")]
    [TestCase("x,2", 4, "2")]
    public void IndexSet_ParsesAndWritesUpstreamsFormat(string text, int completions, string expected)
    {
        Assert.That(IndexSet.Parse(text, completions).ToString(), Is.EqualTo(expected));
    }

    private async Task<JobSyncResult> SyncCore(V1Job job)
    {
        var pods = _api.Pods.Values.Select(ModelCopy.Clone).ToList();
        // The cache sees finalizer removals at once here, so nothing stays expected.
        _api.ExpectedRemoved.Clear();
        var result = await _sync.SyncAsync(ModelCopy.Clone(job), pods, true, new HashSet<string>(), _backoff, CancellationToken.None);
        _backoff = result.Backoff ?? JobBackoff.None;
        return result;
    }

    // Syncs, lets the kubelet finish pods, and honours requeue timers by advancing the clock.
    private async Task<V1Job> RunAsync(V1Job job, Func<V1Pod, int> exitCode)
    {
        var current = job;
        for (var i = 0; i < 60; i++)
        {
            var result = await SyncCore(current);
            current = _api.Stored ?? current;
            if (JobConditions.IsFinished(current))
            {
                return current;
            }

            if (result.RequeueAfter is { } wait && wait > TimeSpan.Zero)
            {
                _time.Advance(wait);
            }
            else
            {
                _time.Advance(TimeSpan.FromSeconds(1));
            }

            _api.RunPods(exitCode);
        }

        Assert.Fail("the job did not finish");
        return current;
    }

    private static V1JobCondition? Condition(V1Job job, string type) => job.Status?.Conditions?.FirstOrDefault(c => c.Type == type);

    private static V1Job Job(int completions, int parallelism, int backoffLimit = 6) => new()
    {
        Metadata = new V1ObjectMeta { Name = "pi", NamespaceProperty = "default", Uid = "job-uid", Generation = 1 },
        Spec = new V1JobSpec
        {
            Completions = completions,
            Parallelism = parallelism,
            BackoffLimit = backoffLimit,
            CompletionMode = "NonIndexed",
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["batch.kubernetes.io/controller-uid"] = "job-uid" } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["batch.kubernetes.io/controller-uid"] = "job-uid", ["batch.kubernetes.io/job-name"] = "pi" } },
                Spec = new V1PodSpec { RestartPolicy = "Never", Containers = [new V1Container { Name = "c", Image = "busybox" }] },
            },
        },
    };
}
