using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Apps;
using LocalKube.Node.ApiServer.Catalog.Pods;
using LocalKube.Node.ApiServer.Catalog.Printing;
using LocalKube.Node.ApiServer.Catalog.Validation;
using LocalKube.Node.ApiServer.Resources;

namespace LocalKube.Node.ApiServer.Catalog.Batch;

/// <summary>batch/v1 jobs: upstream defaults, generated selector and labels, immutable template and selector.</summary>
public sealed class JobStrategy : ResourceStrategy<V1Job>
{
    /// <summary>The label (and selector key) that ties a job's pods to its uid.</summary>
    public const string ControllerUidLabel = "batch.kubernetes.io/controller-uid";

    /// <summary>The label that carries the job name on its pods.</summary>
    public const string JobNameLabel = "batch.kubernetes.io/job-name";

    private static readonly IReadOnlyList<TableColumn> JobColumns =
    [
        Cols.Name,
        Cols.Text("Status", "Status of the job."),
        Cols.Text("Completions", "The number of pods which reached phase Succeeded."),
        Cols.Text("Duration", "Time required to complete the job."),
        Cols.Age,
        Cols.Containers,
        Cols.Images,
        Cols.Text("Selector", "A label query over pods that should match the pod count.", 1),
    ];

    /// <summary>Creates the strategy.</summary>
    public JobStrategy()
        : base(Descriptors.Of("batch", "v1", "Job", "jobs", true, categories: ["all"], subresources: [Descriptors.Status]), "jobs", hasGeneration: true)
    {
    }

    /// <inheritdoc />
    public override IReadOnlyList<TableColumn> Columns => JobColumns;

    /// <summary>Job spec defaults (also used for the status of a job created from a cron job).</summary>
    public static void DefaultSpec(V1JobSpec spec)
    {
        if (spec.Completions is null && spec.Parallelism is null)
        {
            spec.Completions = 1;
            spec.Parallelism = 1;
        }

        spec.Parallelism ??= 1;
        spec.BackoffLimit ??= spec.BackoffLimitPerIndex is null ? 6 : int.MaxValue;
        spec.CompletionMode = string.IsNullOrEmpty(spec.CompletionMode) ? "NonIndexed" : spec.CompletionMode;
        spec.Suspend ??= false;
        spec.PodReplacementPolicy ??= spec.PodFailurePolicy is null ? "TerminatingOrFailed" : "Failed";
        PodSpecDefaults.Apply(spec.Template?.Spec);
    }

    /// <summary>The job spec rules shared with cron job templates; <paramref name="path"/> is the spec's path.</summary>
    public static void ValidateSpec(V1JobSpec? spec, FieldPath path, FieldErrors errors)
    {
        spec ??= new V1JobSpec();
        CommonValidation.NonNegative(spec.Parallelism, path.Child("parallelism"), errors);
        CommonValidation.NonNegative(spec.Completions, path.Child("completions"), errors);
        CommonValidation.NonNegative(spec.ActiveDeadlineSeconds, path.Child("activeDeadlineSeconds"), errors);
        CommonValidation.NonNegative(spec.BackoffLimit, path.Child("backoffLimit"), errors);
        CommonValidation.NonNegative(spec.TtlSecondsAfterFinished, path.Child("ttlSecondsAfterFinished"), errors);
        if (!string.IsNullOrEmpty(spec.CompletionMode) && spec.CompletionMode is not ("NonIndexed" or "Indexed"))
        {
            errors.NotSupported(path.Child("completionMode"), spec.CompletionMode, ["NonIndexed", "Indexed"]);
        }

        if (spec.CompletionMode == "Indexed" && spec.Completions is null)
        {
            errors.Required(path.Child("completions"), "when completion mode is Indexed");
        }

        if (spec.PodReplacementPolicy is { } prp && prp is not ("TerminatingOrFailed" or "Failed"))
        {
            errors.NotSupported(path.Child("podReplacementPolicy"), prp, ["TerminatingOrFailed", "Failed"]);
        }

        PodSpecValidation.ValidateTemplate(spec.Template, path.Child("template"), errors);
        if (spec.Template?.Spec?.RestartPolicy is not ("OnFailure" or "Never"))
        {
            errors.Required(path.Child("template", "spec", "restartPolicy"), "valid values: \"OnFailure\", \"Never\"");
        }

        if (spec.Template?.Spec?.ActiveDeadlineSeconds is not null)
        {
            errors.Invalid(path.Child("template", "spec", "activeDeadlineSeconds"), spec.Template.Spec.ActiveDeadlineSeconds.Value, "activeDeadlineSeconds in Job is not Supported");
        }
    }

    /// <summary>A Table's STATUS cell for a job.</summary>
    public static string StatusCell(V1Job job)
    {
        bool Has(string type) => job.Status?.Conditions?.FirstOrDefault(c => c.Type == type)?.Status == "True";
        return Has("Complete") ? "Complete"
            : Has("Failed") ? "Failed"
            : job.Metadata?.DeletionTimestamp is not null ? "Terminating"
            : Has("Suspended") ? "Suspended"
            : Has("FailureTarget") ? "FailureTarget"
            : Has("SuccessCriteriaMet") ? "SuccessCriteriaMet"
            : "Running";
    }

    /// <inheritdoc />
    protected override void Default(V1Job obj)
    {
        var spec = obj.Spec ??= new V1JobSpec();
        DefaultSpec(spec);
        GenerateSelector(obj);
    }

    /// <inheritdoc />
    protected override void Validate(V1Job obj, FieldErrors errors)
    {
        var spec = obj.Spec ?? new V1JobSpec();
        var path = FieldPath.Root("spec");
        if (spec.Selector is null)
        {
            errors.Required(path.Child("selector"));
        }
        else
        {
            CommonValidation.LabelSelector(spec.Selector, path.Child("selector"), errors);
            if (!Selectors.Matches(spec.Selector, spec.Template?.Metadata?.Labels))
            {
                errors.Invalid(path.Child("template", "metadata", "labels"), new GoValue.Verbatim(GoValue.MapLiteral(spec.Template?.Metadata?.Labels)), "`selector` does not match template `labels`");
            }
        }

        ValidateSpec(spec, path, errors);
    }

    /// <inheritdoc />
    protected override void ValidateUpdate(V1Job obj, V1Job old, FieldErrors errors)
    {
        Validate(obj, errors);
        var path = FieldPath.Root("spec");
        WorkloadValidation.ImmutableSelector(obj.Spec?.Selector, old.Spec?.Selector, errors);
        CommonValidation.Immutable(obj.Spec?.Template, old.Spec?.Template, path.Child("template"), errors, new GoValue.Verbatim("core.PodTemplateSpec{...}"));
        CommonValidation.Immutable(obj.Spec?.CompletionMode, old.Spec?.CompletionMode, path.Child("completionMode"), errors);
        if (obj.Spec?.CompletionMode != "Indexed")
        {
            CommonValidation.Immutable(obj.Spec?.Completions, old.Spec?.Completions, path.Child("completions"), errors);
        }

        CommonValidation.Immutable(obj.Spec?.PodFailurePolicy, old.Spec?.PodFailurePolicy, path.Child("podFailurePolicy"), errors, new GoValue.Verbatim("batch.PodFailurePolicy{...}"));
    }

    /// <inheritdoc />
    protected override IReadOnlyList<object?> Row(V1Job obj, DateTimeOffset now)
    {
        var succeeded = obj.Status?.Succeeded ?? 0;
        var completions = obj.Spec?.Completions is { } c ? $"{succeeded}/{c}"
            : (obj.Spec?.Parallelism ?? 0) > 1 ? $"{succeeded}/1 of {obj.Spec!.Parallelism}"
            : $"{succeeded}/1";
        var duration = obj.Status?.StartTime is not { } start ? ""
            : obj.Status.CompletionTime is { } end ? Age.Human(Age.ToOffset(end) - Age.ToOffset(start))
            : Age.Human(now - Age.ToOffset(start));
        var (names, images) = Cols.ContainerCells(obj.Spec?.Template);
        return [obj.Metadata?.Name, StatusCell(obj), completions, duration, AgeOf(obj, now), names, images, Selectors.FormatOrNone(obj.Spec?.Selector)];
    }

    /// <inheritdoc />
    protected override void AddSelectableFields(V1Job obj, IDictionary<string, string> fields) =>
        fields["status.successful"] = (obj.Status?.Succeeded ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Unless <c>manualSelector</c> is true, upstream selects a job's pods by its uid and labels the template with
    /// the uid and job name. Needs <c>metadata.uid</c>, which the machinery assigns before defaulting on create.
    /// </summary>
    private static void GenerateSelector(V1Job job)
    {
        var spec = job.Spec!;
        var uid = job.Metadata?.Uid;
        if (spec.ManualSelector == true || string.IsNullOrEmpty(uid) || spec.Template is null)
        {
            return;
        }

        spec.Template.Metadata ??= new V1ObjectMeta();
        var labels = spec.Template.Metadata.Labels ??= new Dictionary<string, string>();
        labels.TryAdd(ControllerUidLabel, uid);
        labels.TryAdd(JobNameLabel, job.Metadata!.Name ?? "");
        labels.TryAdd("controller-uid", uid);
        labels.TryAdd("job-name", job.Metadata.Name ?? "");
        spec.Selector ??= new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [ControllerUidLabel] = uid } };
    }
}
