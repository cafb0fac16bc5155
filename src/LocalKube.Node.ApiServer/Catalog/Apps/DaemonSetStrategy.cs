using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Printing;
using LocalKube.Node.ApiServer.Catalog.Validation;
using LocalKube.Node.ApiServer.Resources;

namespace LocalKube.Node.ApiServer.Catalog.Apps;

/// <summary>apps/v1 daemon sets.</summary>
public sealed class DaemonSetStrategy : ResourceStrategy<V1DaemonSet>
{
    private static readonly IReadOnlyList<TableColumn> DaemonSetColumns =
    [
        Cols.Name,
        Cols.Integer("Desired", "The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod)."),
        Cols.Integer("Current", "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod."),
        Cols.Integer("Ready", "numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition."),
        Cols.Integer("Up-to-date", "The total number of nodes that are running updated daemon pod"),
        Cols.Integer("Available", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)"),
        Cols.Text("Node Selector", "NodeSelector is a selector which must be true for the pod to fit on a node."),
        Cols.Age,
        Cols.Containers,
        Cols.Images,
        Cols.Text("Selector", "A label query over pods that are managed by the daemon set.", 1),
    ];

    /// <summary>Creates the strategy.</summary>
    public DaemonSetStrategy()
        : base(Descriptors.Of("apps", "v1", "DaemonSet", "daemonsets", true, shortNames: ["ds"], categories: ["all"],
            subresources: [Descriptors.Status]), "daemonsets", hasGeneration: true)
    {
    }

    /// <inheritdoc />
    public override IReadOnlyList<TableColumn> Columns => DaemonSetColumns;

    /// <inheritdoc />
    protected override void Default(V1DaemonSet obj)
    {
        var spec = obj.Spec ??= new V1DaemonSetSpec();
        spec.UpdateStrategy ??= new V1DaemonSetUpdateStrategy();
        if (string.IsNullOrEmpty(spec.UpdateStrategy.Type))
        {
            spec.UpdateStrategy.Type = "RollingUpdate";
        }

        if (spec.UpdateStrategy.Type == "RollingUpdate")
        {
            spec.UpdateStrategy.RollingUpdate ??= new V1RollingUpdateDaemonSet();
            spec.UpdateStrategy.RollingUpdate.MaxUnavailable ??= 1;
            spec.UpdateStrategy.RollingUpdate.MaxSurge ??= 0;
        }

        spec.RevisionHistoryLimit ??= 10;
        WorkloadValidation.DefaultTemplate(spec.Template);
    }

    /// <inheritdoc />
    protected override void Validate(V1DaemonSet obj, FieldErrors errors)
    {
        var spec = obj.Spec ?? new V1DaemonSetSpec();
        var path = FieldPath.Root("spec");
        WorkloadValidation.Counts(null, spec.MinReadySeconds, spec.RevisionHistoryLimit, errors);
        WorkloadValidation.SelectorAndTemplate(spec.Selector, spec.Template, "daemonset", "DaemonSet", errors);
        var strategy = spec.UpdateStrategy;
        var sp = path.Child("updateStrategy");
        switch (strategy?.Type)
        {
            case null or "":
                errors.Required(sp.Child("type"));
                break;
            case "OnDelete":
                break;
            case "RollingUpdate":
                if (strategy.RollingUpdate is { } ru)
                {
                    var rp = sp.Child("rollingUpdate");
                    CommonValidation.IntOrPercent(ru.MaxUnavailable, rp.Child("maxUnavailable"), errors, capAt100: true);
                    CommonValidation.IntOrPercent(ru.MaxSurge, rp.Child("maxSurge"), errors, capAt100: true);
                    var hasUnavailable = !IsZero(ru.MaxUnavailable);
                    var hasSurge = !IsZero(ru.MaxSurge);
                    if (hasUnavailable && hasSurge)
                    {
                        errors.Invalid(rp.Child("maxSurge"), new GoValue.Verbatim(GoValue.IntOrStringLiteral(ru.MaxSurge!)), "may not be set when maxUnavailable is non-zero");
                    }
                    else if (!hasUnavailable && !hasSurge)
                    {
                        errors.Required(rp.Child("maxUnavailable"), "cannot be 0 when maxSurge is 0");
                    }
                }

                break;
            default:
                errors.NotSupported(sp.Child("type"), strategy.Type, ["OnDelete", "RollingUpdate"]);
                break;
        }
    }

    /// <inheritdoc />
    protected override void ValidateUpdate(V1DaemonSet obj, V1DaemonSet old, FieldErrors errors)
    {
        Validate(obj, errors);
        WorkloadValidation.ImmutableSelector(obj.Spec?.Selector, old.Spec?.Selector, errors);
    }

    /// <inheritdoc />
    protected override IReadOnlyList<object?> Row(V1DaemonSet obj, DateTimeOffset now)
    {
        var (names, images) = Cols.ContainerCells(obj.Spec?.Template);
        var s = obj.Status;
        return
        [
            obj.Metadata?.Name, s?.DesiredNumberScheduled ?? 0, s?.CurrentNumberScheduled ?? 0, s?.NumberReady ?? 0,
            s?.UpdatedNumberScheduled ?? 0, s?.NumberAvailable ?? 0, Selectors.FormatLabels(obj.Spec?.Template?.Spec?.NodeSelector),
            AgeOf(obj, now), names, images, Selectors.FormatOrNone(obj.Spec?.Selector),
        ];
    }

    private static bool IsZero(IntOrString? v) => v is null || (CommonValidation.IsIntOrPercent(v, out var n, out _) && n == 0);
}
