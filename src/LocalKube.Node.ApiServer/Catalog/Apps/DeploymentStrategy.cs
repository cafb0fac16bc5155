using k8s;
using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Printing;
using LocalKube.Node.ApiServer.Catalog.Validation;
using LocalKube.Node.ApiServer.Resources;

namespace LocalKube.Node.ApiServer.Catalog.Apps;

/// <summary>apps/v1 deployments.</summary>
public sealed class DeploymentStrategy : ResourceStrategy<V1Deployment>, IScaleStrategy
{
    private static readonly IReadOnlyList<TableColumn> DeploymentColumns =
    [
        Cols.Name,
        Cols.Text("Ready", "Number of the pod with ready state"),
        Cols.Text("Up-to-date", "Total number of non-terminating pods targeted by this deployment that have the desired template spec."),
        Cols.Text("Available", "Total number of available non-terminating pods (ready for at least minReadySeconds) targeted by this deployment."),
        Cols.Age,
        Cols.Containers,
        Cols.Images,
        Cols.Text("Selector", "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.", 1),
    ];

    /// <summary>Creates the strategy.</summary>
    public DeploymentStrategy()
        : base(Descriptors.Of("apps", "v1", "Deployment", "deployments", true, shortNames: ["deploy"], categories: ["all"],
            subresources: [Descriptors.Scale, Descriptors.Status]), "deployments", hasGeneration: true)
    {
    }

    /// <inheritdoc />
    public int SpecReplicas(IKubernetesObject<V1ObjectMeta> obj) => ((V1Deployment)obj).Spec?.Replicas ?? 0;

    /// <inheritdoc />
    public void SetSpecReplicas(IKubernetesObject<V1ObjectMeta> obj, int replicas)
    {
        var typed = (V1Deployment)obj;
        typed.Spec ??= new V1DeploymentSpec();
        typed.Spec.Replicas = replicas;
    }

    /// <inheritdoc />
    public int StatusReplicas(IKubernetesObject<V1ObjectMeta> obj) => ((V1Deployment)obj).Status?.Replicas ?? 0;

    /// <inheritdoc />
    public string? Selector(IKubernetesObject<V1ObjectMeta> obj) => Selectors.Format(((V1Deployment)obj).Spec?.Selector);

    /// <inheritdoc />
    public override IReadOnlyList<TableColumn> Columns => DeploymentColumns;

    /// <inheritdoc />
    protected override void Default(V1Deployment obj)
    {
        var spec = obj.Spec ??= new V1DeploymentSpec();
        spec.Replicas ??= 1;
        spec.Strategy ??= new V1DeploymentStrategy();
        if (string.IsNullOrEmpty(spec.Strategy.Type))
        {
            spec.Strategy.Type = "RollingUpdate";
        }

        if (spec.Strategy.Type == "RollingUpdate")
        {
            spec.Strategy.RollingUpdate ??= new V1RollingUpdateDeployment();
            spec.Strategy.RollingUpdate.MaxUnavailable ??= "25%";
            spec.Strategy.RollingUpdate.MaxSurge ??= "25%";
        }

        spec.RevisionHistoryLimit ??= 10;
        spec.ProgressDeadlineSeconds ??= 600;
        WorkloadValidation.DefaultTemplate(spec.Template);
    }

    /// <inheritdoc />
    protected override void Validate(V1Deployment obj, FieldErrors errors)
    {
        var spec = obj.Spec ?? new V1DeploymentSpec();
        var path = FieldPath.Root("spec");
        WorkloadValidation.Counts(spec.Replicas, spec.MinReadySeconds, spec.RevisionHistoryLimit, errors);
        WorkloadValidation.SelectorAndTemplate(spec.Selector, spec.Template, "deployment", "ReplicaSet", errors);
        Strategy(spec.Strategy, path.Child("strategy"), errors);
        if (spec.ProgressDeadlineSeconds is { } pds)
        {
            CommonValidation.NonNegative(pds, path.Child("progressDeadlineSeconds"), errors);
            if (pds <= (spec.MinReadySeconds ?? 0))
            {
                errors.Invalid(path.Child("progressDeadlineSeconds"), pds, "must be greater than minReadySeconds");
            }
        }
    }

    /// <inheritdoc />
    protected override void ValidateUpdate(V1Deployment obj, V1Deployment old, FieldErrors errors)
    {
        Validate(obj, errors);
        WorkloadValidation.ImmutableSelector(obj.Spec?.Selector, old.Spec?.Selector, errors);
    }

    /// <inheritdoc />
    protected override IReadOnlyList<object?> Row(V1Deployment obj, DateTimeOffset now)
    {
        var (names, images) = Cols.ContainerCells(obj.Spec?.Template);
        return
        [
            obj.Metadata?.Name,
            $"{obj.Status?.ReadyReplicas ?? 0}/{obj.Spec?.Replicas ?? 0}",
            obj.Status?.UpdatedReplicas ?? 0,
            obj.Status?.AvailableReplicas ?? 0,
            AgeOf(obj, now),
            names,
            images,
            Selectors.Format(obj.Spec?.Selector),
        ];
    }

    private static void Strategy(V1DeploymentStrategy? strategy, FieldPath path, FieldErrors errors)
    {
        switch (strategy?.Type)
        {
            case null or "":
                errors.Required(path.Child("type"));
                return;
            case "Recreate":
                if (strategy.RollingUpdate is not null)
                {
                    errors.Forbidden(path.Child("rollingUpdate"), "may not be specified when strategy `type` is 'Recreate'");
                }

                return;
            case "RollingUpdate":
                break;
            default:
                errors.NotSupported(path.Child("type"), strategy.Type, ["Recreate", "RollingUpdate"]);
                return;
        }

        if (strategy.RollingUpdate is not { } ru)
        {
            return;
        }

        var p = path.Child("rollingUpdate");
        CommonValidation.IntOrPercent(ru.MaxUnavailable, p.Child("maxUnavailable"), errors, capAt100: true);
        CommonValidation.IntOrPercent(ru.MaxSurge, p.Child("maxSurge"), errors);
        if (IsZero(ru.MaxUnavailable) && IsZero(ru.MaxSurge))
        {
            errors.Invalid(p.Child("maxUnavailable"), new GoValue.Verbatim(GoValue.IntOrStringLiteral(ru.MaxUnavailable ?? (IntOrString)0)), "may not be 0 when `maxSurge` is 0");
        }
    }

    private static bool IsZero(IntOrString? v) => v is null || (CommonValidation.IsIntOrPercent(v, out var n, out _) && n == 0);
}
