using k8s.Models;
using LocalKube.Node.ApiServer.Catalog;
using LocalKube.Node.ApiServer.Catalog.Batch;
using NUnit.Framework;
using static LocalKube.Node.ApiServer.Tests.Catalog.CatalogTestKit;

namespace LocalKube.Node.ApiServer.Tests.Catalog;

[TestFixture]
public sealed class BatchTests
{
    private static readonly JobStrategy Jobs = new();
    private static readonly CronJobStrategy CronJobs = new();

    private static V1Job Job(string restartPolicy = "Never")
    {
        var job = new V1Job { Metadata = Meta("pi"), Spec = new V1JobSpec { Template = Template(new Dictionary<string, string>(), "perl:5.34") } };
        job.Metadata.Uid = "0b1c";
        job.Spec.Template.Spec.RestartPolicy = restartPolicy;
        return job;
    }

    [Test]
    public void Job_defaults_and_generated_selector()
    {
        var job = Job();
        Assert.That(CreateErrors(Jobs, job), Is.Empty);
        Assert.Multiple(() =>
        {
            Assert.That((job.Spec.Completions, job.Spec.Parallelism, job.Spec.BackoffLimit), Is.EqualTo(((int?)1, (int?)1, (int?)6)));
            Assert.That((job.Spec.CompletionMode, job.Spec.Suspend, job.Spec.PodReplacementPolicy), Is.EqualTo(("NonIndexed", (bool?)false, "TerminatingOrFailed")));
            Assert.That(Json(job.Spec.Selector), Is.EqualTo("""{"matchLabels":{"batch.kubernetes.io/controller-uid":"0b1c"}}"""));
            Assert.That(job.Spec.Template.Metadata.Labels, Is.EquivalentTo(new Dictionary<string, string>
            {
                ["batch.kubernetes.io/controller-uid"] = "0b1c", ["batch.kubernetes.io/job-name"] = "pi", ["controller-uid"] = "0b1c", ["job-name"] = "pi",
            }));
        });
    }

    [Test]
    public void Job_without_restart_policy_is_refused_as_upstream()
    {
        var job = Job();
        job.Spec.Template.Spec.RestartPolicy = null;
        Assert.That(CreateErrors(Jobs, job), Is.EqualTo(new[] { "spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\" (FieldValueRequired)" }));
    }

    [Test]
    public void Job_checks()
    {
        var negative = Job();
        negative.Spec.BackoffLimit = -1;
        Assert.That(CreateErrors(Jobs, negative), Does.Contain("spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0 (FieldValueInvalid)"));
        var indexed = Job();
        indexed.Spec.CompletionMode = "Indexed";
        indexed.Spec.Parallelism = 2;
        Assert.That(CreateErrors(Jobs, indexed), Does.Contain("spec.completions: Required value: when completion mode is Indexed (FieldValueRequired)"));
        var manual = Job();
        manual.Spec.ManualSelector = true;
        Assert.That(CreateErrors(Jobs, manual), Does.Contain("spec.selector: Required value (FieldValueRequired)"));
    }

    [Test]
    public void Job_template_and_selector_are_immutable()
    {
        var old = Job();
        Jobs.Default(old);
        var changed = Clone(old);
        changed.Spec.Template.Spec.Containers[0].Image = "perl:5.36";
        Assert.That(UpdateErrors(Jobs, changed, old), Is.EqualTo(new[] { "spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable (FieldValueInvalid)" }));
        var suspended = Clone(old);
        suspended.Spec.Suspend = true;
        Assert.That(UpdateErrors(Jobs, suspended, old), Is.Empty);
    }

    private static IEnumerable<TestCaseData> JobRows()
    {
        yield return new TestCaseData((Action<V1Job>)(_ => { }), "Running", "0/1", "").SetName("Job row: new");
        yield return new TestCaseData((Action<V1Job>)(j => j.Status = new V1JobStatus
        {
            Succeeded = 1, StartTime = Now.AddMinutes(-2).UtcDateTime, CompletionTime = Now.AddMinutes(-1).AddSeconds(-30).UtcDateTime,
            Conditions = [new V1JobCondition { Type = "Complete", Status = "True" }],
        }), "Complete", "1/1", "30s").SetName("Job row: complete");
        yield return new TestCaseData((Action<V1Job>)(j =>
        {
            j.Spec.Completions = null;
            j.Spec.Parallelism = 3;
            j.Status = new V1JobStatus { StartTime = Now.AddMinutes(-4).UtcDateTime };
        }), "Running", "0/1 of 3", "4m").SetName("Job row: work queue");
        yield return new TestCaseData((Action<V1Job>)(j => j.Status = new V1JobStatus { Conditions = [new V1JobCondition { Type = "Failed", Status = "True" }] }), "Failed", "0/1", "")
            .SetName("Job row: failed");
        yield return new TestCaseData((Action<V1Job>)(j => j.Status = new V1JobStatus { Conditions = [new V1JobCondition { Type = "Suspended", Status = "True" }] }), "Suspended", "0/1", "")
            .SetName("Job row: suspended");
    }

    [TestCaseSource(nameof(JobRows))]
    public void Job_row(Action<V1Job> arrange, string status, string completions, string duration)
    {
        var job = Job();
        Jobs.Default(job);
        arrange(job);
        Assert.That(Jobs.Cells(job, Now).Take(4), Is.EqualTo(new object?[] { "pi", status, completions, duration }));
        Assert.That(Jobs.Cells(job, Now)[7], Is.EqualTo("batch.kubernetes.io/controller-uid=0b1c"));
    }

    [Test]
    public void Job_field_selector() =>
        Assert.That(Jobs.SelectableFields(new V1Job { Metadata = Meta("pi"), Status = new V1JobStatus { Succeeded = 2 } })["status.successful"], Is.EqualTo("2"));

    private static V1CronJob Cron(string schedule = "*/5 * * * *") => new()
    {
        Metadata = Meta("tick"),
        Spec = new V1CronJobSpec
        {
            Schedule = schedule,
            JobTemplate = new V1JobTemplateSpec { Spec = new V1JobSpec { Template = Template(new Dictionary<string, string>(), "busybox:1.36") } },
        },
    };

    [Test]
    public void Cron_job_defaults_and_row()
    {
        var cj = Cron();
        cj.Spec.JobTemplate.Spec.Template.Spec.RestartPolicy = "OnFailure";
        Assert.That(CreateErrors(CronJobs, cj), Is.Empty);
        Assert.That((cj.Spec.ConcurrencyPolicy, cj.Spec.Suspend, cj.Spec.SuccessfulJobsHistoryLimit, cj.Spec.FailedJobsHistoryLimit),
            Is.EqualTo(("Allow", (bool?)false, (int?)3, (int?)1)));
        cj.Status = new V1CronJobStatus { LastScheduleTime = Now.AddSeconds(-40).UtcDateTime, Active = [new V1ObjectReference { Name = "tick-1" }] };
        Assert.That(CronJobs.Cells(cj, Now), Is.EqualTo(new object?[] { "tick", "*/5 * * * *", "<none>", "False", 1L, "40s", "5m", "app", "busybox:1.36", "<none>" }));
    }

    private static IEnumerable<TestCaseData> InvalidCron()
    {
        yield return new TestCaseData((Action<V1CronJob>)(c => c.Spec.Schedule = "foo"), "spec.schedule: Invalid value: \"foo\": expected exactly 5 fields, found 1: foo (FieldValueInvalid)").SetName("CronJob invalid: schedule");
        yield return new TestCaseData((Action<V1CronJob>)(c => c.Spec.Schedule = "CRON_TZ=UTC 0 * * * *"), "spec.schedule: Invalid value: \"CRON_TZ=UTC 0 * * * *\": cannot use TZ or CRON_TZ in schedule, use timeZone field instead (FieldValueInvalid)").SetName("CronJob invalid: TZ");
        yield return new TestCaseData((Action<V1CronJob>)(c => c.Spec.TimeZone = "Mars/Olympus"), "spec.timeZone: Invalid value: \"Mars/Olympus\": unknown time zone Mars/Olympus (FieldValueInvalid)").SetName("CronJob invalid: time zone");
        yield return new TestCaseData((Action<V1CronJob>)(c => c.Spec.ConcurrencyPolicy = "Sometimes"), "spec.concurrencyPolicy: Unsupported value: \"Sometimes\": supported values: \"Allow\", \"Forbid\", \"Replace\" (FieldValueNotSupported)").SetName("CronJob invalid: concurrency");
        yield return new TestCaseData((Action<V1CronJob>)(c => c.Metadata.Name = new string('a', 53)), $"metadata.name: Invalid value: \"{new string('a', 53)}\": must be no more than 52 characters (FieldValueInvalid)").SetName("CronJob invalid: long name");
        yield return new TestCaseData((Action<V1CronJob>)(_ => { }), "spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\" (FieldValueRequired)").SetName("CronJob invalid: restart policy");
    }

    [TestCaseSource(nameof(InvalidCron))]
    public void Invalid_cron_job(Action<V1CronJob> mutate, string expected)
    {
        var cj = Cron();
        mutate(cj);
        Assert.That(CreateErrors(CronJobs, cj), Does.Contain(expected));
    }
}
