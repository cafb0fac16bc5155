using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Pods;
using LocalKube.Node.ApiServer.Catalog.Printing;
using LocalKube.Node.ApiServer.Catalog.Validation;
using LocalKube.Node.ApiServer.Resources;

namespace LocalKube.Node.ApiServer.Catalog.Batch;

/// <summary>batch/v1 cron jobs.</summary>
public sealed class CronJobStrategy : ResourceStrategy<V1CronJob>
{
    private static readonly IReadOnlyList<TableColumn> CronJobColumns =
    [
        Cols.Name,
        Cols.Text("Schedule", "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
        Cols.Text("Timezone", "The time zone name for the given schedule."),
        Cols.Boolean("Suspend", "This flag tells the controller to suspend subsequent executions, it does not apply to already started executions."),
        Cols.Integer("Active", "A list of pointers to currently running jobs."),
        Cols.Text("Last Schedule", "Information when was the last time the job was successfully scheduled."),
        Cols.Age,
        Cols.Containers,
        Cols.Images,
        Cols.Text("Selector", "A label query over pods that should match the pod count.", 1),
    ];

    /// <summary>Creates the strategy.</summary>
    public CronJobStrategy()
        : base(Descriptors.Of("batch", "v1", "CronJob", "cronjobs", true, shortNames: ["cj"], categories: ["all"], subresources: [Descriptors.Status]),
            "cronjobs", hasGeneration: true)
    {
    }

    /// <inheritdoc />
    public override IReadOnlyList<TableColumn> Columns => CronJobColumns;

    /// <inheritdoc />
    protected override void Default(V1CronJob obj)
    {
        var spec = obj.Spec ??= new V1CronJobSpec();
        spec.ConcurrencyPolicy = string.IsNullOrEmpty(spec.ConcurrencyPolicy) ? "Allow" : spec.ConcurrencyPolicy;
        spec.Suspend ??= false;
        spec.SuccessfulJobsHistoryLimit ??= 3;
        spec.FailedJobsHistoryLimit ??= 1;
        PodSpecDefaults.Apply(spec.JobTemplate?.Spec?.Template?.Spec);
    }

    /// <inheritdoc />
    protected override void Validate(V1CronJob obj, FieldErrors errors)
    {
        var spec = obj.Spec ?? new V1CronJobSpec();
        var path = FieldPath.Root("spec");
        if ((obj.Metadata?.Name?.Length ?? 0) > 52)
        {
            errors.Invalid(FieldPath.Root("metadata", "name"), obj.Metadata!.Name, "must be no more than 52 characters");
        }

        if (string.IsNullOrEmpty(spec.Schedule))
        {
            errors.Required(path.Child("schedule"));
        }
        else if (spec.Schedule.Contains("TZ", StringComparison.Ordinal))
        {
            errors.Invalid(path.Child("schedule"), spec.Schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead");
        }
        else if (CronSchedule.Check(spec.Schedule) is { } problem)
        {
            errors.Invalid(path.Child("schedule"), spec.Schedule, problem);
        }

        if (spec.TimeZone is { } tz && !CronSchedule.IsKnownTimeZone(tz))
        {
            errors.Invalid(path.Child("timeZone"), tz, $"unknown time zone {tz}");
        }

        if (!string.IsNullOrEmpty(spec.ConcurrencyPolicy) && spec.ConcurrencyPolicy is not ("Allow" or "Forbid" or "Replace"))
        {
            errors.NotSupported(path.Child("concurrencyPolicy"), spec.ConcurrencyPolicy, ["Allow", "Forbid", "Replace"]);
        }
        else if (string.IsNullOrEmpty(spec.ConcurrencyPolicy))
        {
            errors.Required(path.Child("concurrencyPolicy"));
        }

        CommonValidation.NonNegative(spec.StartingDeadlineSeconds, path.Child("startingDeadlineSeconds"), errors);
        CommonValidation.NonNegative(spec.SuccessfulJobsHistoryLimit, path.Child("successfulJobsHistoryLimit"), errors);
        CommonValidation.NonNegative(spec.FailedJobsHistoryLimit, path.Child("failedJobsHistoryLimit"), errors);

        var templatePath = path.Child("jobTemplate");
        MetaValidation.Labels(spec.JobTemplate?.Metadata?.Labels, templatePath.Child("metadata", "labels"), errors);
        if (spec.JobTemplate?.Spec?.Selector is { } selector)
        {
            errors.Invalid(templatePath.Child("spec", "selector"), GoSelector.Literal(selector), "`selector` will be auto-generated");
        }

        JobStrategy.ValidateSpec(spec.JobTemplate?.Spec, templatePath.Child("spec"), errors);
    }

    /// <inheritdoc />
    protected override IReadOnlyList<object?> Row(V1CronJob obj, DateTimeOffset now)
    {
        var (names, images) = Cols.ContainerCells(obj.Spec?.JobTemplate?.Spec?.Template);
        var last = obj.Status?.LastScheduleTime is { } t ? Age.Since(t, now) : "<none>";
        return
        [
            obj.Metadata?.Name, obj.Spec?.Schedule ?? "", obj.Spec?.TimeZone ?? "<none>", Cols.BoolPtr(obj.Spec?.Suspend),
            (long)(obj.Status?.Active?.Count ?? 0), last, AgeOf(obj, now), names, images, Selectors.FormatOrNone(obj.Spec?.JobTemplate?.Spec?.Selector),
        ];
    }
}
