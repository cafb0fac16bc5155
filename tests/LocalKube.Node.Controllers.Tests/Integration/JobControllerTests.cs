using System.Globalization;
using k8s;
using k8s.Models;
using LocalKube.Node.Controllers.Tests.Support;
using NUnit.Framework;

namespace LocalKube.Node.Controllers.Tests.Integration;

/// <summary>Jobs and CronJobs against the real agent, a fake kubelet, and kubectl wait / create job --from.</summary>
[TestFixture]
[NonParallelizable]
public sealed class JobControllerTests
{
    private WorkloadAgent _w = null!;
    private string _cronNamespace = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _w = await WorkloadAgent.StartAsync();
        // Containers "exit:N" end with N; the rest succeed.
        _w.Kubelet.Behaviour = p => p.Spec.Containers[0].Image is { } image && image.StartsWith("exit:", StringComparison.Ordinal)
            ? PodOutcome.Exit(int.Parse(image[5..], CultureInfo.InvariantCulture))
            : PodOutcome.Exit(0);

        // The real-clock CronJob check waits for the next minute: start it first, check it last.
        _cronNamespace = await _w.NamespaceAsync("cron");
        var cj = new V1CronJob
        {
            Metadata = new V1ObjectMeta { Name = "tick" },
            Spec = new V1CronJobSpec
            {
                Schedule = "*/1 * * * *",
                JobTemplate = new V1JobTemplateSpec { Spec = Job("x", 1, 1, "exit:0").Spec },
            },
        };
        cj.Spec.JobTemplate.Spec.Selector = null;
        cj.Spec.JobTemplate.Spec.Template.Metadata = null;
        await _w.Admin.BatchV1.CreateNamespacedCronJobAsync(cj, _cronNamespace);
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _w.DisposeAsync();

    [Test]
    public async Task CompletionsFive_ParallelismTwo_Completes_KubectlWaitSeesIt()
    {
        var ns = await _w.NamespaceAsync("job");
        await _w.Admin.BatchV1.CreateNamespacedJobAsync(Job("pi", 5, 2, "exit:0"), ns);
        await _w.KubectlOkAsync("wait", "--for=condition=complete", "job/pi", "-n", ns, "--timeout=60s");
        var job = await _w.Admin.BatchV1.ReadNamespacedJobAsync("pi", ns);
        Assert.Multiple(() =>
        {
            Assert.That(job.Status.Succeeded, Is.EqualTo(5));
            Assert.That(job.Status.Conditions.Select(c => c.Type), Is.SupersetOf(new[] { "SuccessCriteriaMet", "Complete" }));
            Assert.That(job.Status.CompletionTime, Is.Not.Null);
        });
        var pods = await _w.Admin.CoreV1.ListNamespacedPodAsync(ns);
        Assert.That(pods.Items.All(p => p.Metadata.Finalizers is null || !p.Metadata.Finalizers.Contains("batch.kubernetes.io/job-tracking")));
    }

    [Test]
    public async Task TtlSecondsAfterFinished_FinishedJobAndItsPodsDeleted()
    {
        var ns = await _w.NamespaceAsync("ttl");
        var job = Job("short", 1, 1, "exit:0");
        // Long enough that `kubectl wait` sees the finished Job before the TTL removes it, even on a loaded machine
        // (with 1 s it failed once with NotFound at load 15).
        job.Spec.TtlSecondsAfterFinished = 5;
        await _w.Admin.BatchV1.CreateNamespacedJobAsync(job, ns);
        await _w.KubectlOkAsync("wait", "--for=condition=complete", "job/short", "-n", ns, "--timeout=60s");
        await WorkloadAgent.EventuallyAsync(() => _w.Admin.BatchV1.ListNamespacedJobAsync(ns), l => l.Items.Count == 0, "the Job deleted after its TTL");
        await WorkloadAgent.EventuallyAsync(() => _w.Admin.CoreV1.ListNamespacedPodAsync(ns), l => l.Items.Count == 0, "its pods collected");
    }

    [Test]
    public async Task FailingJob_HitsBackoffLimit_AndIsFailed()
    {
        var ns = await _w.NamespaceAsync("fail");
        var job = Job("bad", 1, 1, "exit:1");
        job.Spec.BackoffLimit = 1;
        await _w.Admin.BatchV1.CreateNamespacedJobAsync(job, ns);
        await _w.KubectlOkAsync("wait", "--for=condition=failed", "job/bad", "-n", ns, "--timeout=60s");
        job = await _w.Admin.BatchV1.ReadNamespacedJobAsync("bad", ns);
        var failed = job.Status.Conditions.Single(c => c.Type == "Failed");
        Assert.That(failed.Reason, Is.EqualTo("BackoffLimitExceeded"));
        Assert.That(job.Status.Failed, Is.EqualTo(2));
        var events = await _w.KubectlOkAsync("get", "events", "-n", ns, "--field-selector", "involvedObject.name=bad");
        Assert.That(events, Does.Contain("BackoffLimitExceeded"));
    }

    [Test]
    public async Task Indexed_PodsGetJobCompletionIndex()
    {
        var ns = await _w.NamespaceAsync("idx");
        var job = Job("idx", 3, 3, "exit:0");
        job.Spec.CompletionMode = "Indexed";
        await _w.Admin.BatchV1.CreateNamespacedJobAsync(job, ns);
        await _w.KubectlOkAsync("wait", "--for=condition=complete", "job/idx", "-n", ns, "--timeout=60s");
        var pods = await _w.Admin.CoreV1.ListNamespacedPodAsync(ns);
        Assert.That(pods.Items.Select(p => p.Metadata.Annotations["batch.kubernetes.io/job-completion-index"]).Order(), Is.EqualTo(new[] { "0", "1", "2" }));
        var env = pods.Items[0].Spec.Containers[0].Env.Single(e => e.Name == "JOB_COMPLETION_INDEX");
        Assert.That(env.ValueFrom.FieldRef.FieldPath, Is.EqualTo("metadata.annotations['batch.kubernetes.io/job-completion-index']"));
        job = await _w.Admin.BatchV1.ReadNamespacedJobAsync("idx", ns);
        Assert.That(job.Status.CompletedIndexes, Is.EqualTo("0-2"));
    }

    [Test]
    [Order(int.MaxValue)]
    public async Task CronJobEveryMinute_CreatesAJobWithin70Seconds_AndCreateJobFromCronJobWorks()
    {
        var ns = _cronNamespace;

        // kubectl create job --from=cronjob is client-side: a Job from the template, owned by the CronJob.
        await _w.KubectlOkAsync("create", "job", "manual", "--from=cronjob/tick", "-n", ns);
        await _w.KubectlOkAsync("wait", "--for=condition=complete", "job/manual", "-n", ns, "--timeout=60s");

        var jobs = await WorkloadAgent.EventuallyAsync(() => _w.Admin.BatchV1.ListNamespacedJobAsync(ns), l => l.Items.Any(j => j.Metadata.Name.StartsWith("tick-", StringComparison.Ordinal)), "a scheduled Job", seconds: 70);
        var scheduled = jobs.Items.First(j => j.Metadata.Name.StartsWith("tick-", StringComparison.Ordinal));
        var minutes = long.Parse(scheduled.Metadata.Name["tick-".Length..], CultureInfo.InvariantCulture);
        var stored = await WorkloadAgent.EventuallyAsync(() => _w.Admin.BatchV1.ReadNamespacedCronJobAsync("tick", ns), c => c.Status?.LastScheduleTime is not null, "lastScheduleTime");
        Assert.That(new DateTimeOffset(stored.Status.LastScheduleTime!.Value).ToUnixTimeSeconds() / 60, Is.EqualTo(minutes));
        Assert.That(scheduled.Metadata.OwnerReferences.Single().Kind, Is.EqualTo("CronJob"));
        Assert.That(scheduled.Metadata.Annotations, Does.ContainKey("batch.kubernetes.io/cronjob-scheduled-timestamp"));
    }

    private static V1Job Job(string name, int completions, int parallelism, string image) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1JobSpec
        {
            Completions = completions,
            Parallelism = parallelism,
            Template = new V1PodTemplateSpec
            {
                Spec = new V1PodSpec { NodeName = "test-node", RestartPolicy = "Never", Containers = [new V1Container { Name = "c", Image = image }] },
            },
        },
    };
}
