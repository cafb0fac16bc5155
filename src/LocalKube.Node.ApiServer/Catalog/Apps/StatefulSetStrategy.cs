using k8s;
using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Printing;
using LocalKube.Node.ApiServer.Catalog.Validation;
using LocalKube.Node.ApiServer.Resources;

namespace LocalKube.Node.ApiServer.Catalog.Apps;

/// <summary>apps/v1 stateful sets.</summary>
public sealed class StatefulSetStrategy : ResourceStrategy<V1StatefulSet>, IScaleStrategy
{
    /// <summary>Upstream's message for a change outside the mutable stateful set fields.</summary>
    public const string ForbiddenUpdateMessage =
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

    private static readonly IReadOnlyList<TableColumn> StatefulSetColumns =
    [
        Cols.Name,
        Cols.Text("Ready", "Number of the pod with ready state"),
        Cols.Age,
        Cols.Containers,
        Cols.Images,
    ];

    /// <summary>Creates the strategy.</summary>
    public StatefulSetStrategy()
        : base(Descriptors.Of("apps", "v1", "StatefulSet", "statefulsets", true, shortNames: ["sts"], categories: ["all"],
            subresources: [Descriptors.Scale, Descriptors.Status]), "statefulsets", hasGeneration: true)
    {
    }

    /// <inheritdoc />
    public int SpecReplicas(IKubernetesObject<V1ObjectMeta> obj) => ((V1StatefulSet)obj).Spec?.Replicas ?? 0;

    /// <inheritdoc />
    public void SetSpecReplicas(IKubernetesObject<V1ObjectMeta> obj, int replicas)
    {
        var typed = (V1StatefulSet)obj;
        typed.Spec ??= new V1StatefulSetSpec();
        typed.Spec.Replicas = replicas;
    }

    /// <inheritdoc />
    public int StatusReplicas(IKubernetesObject<V1ObjectMeta> obj) => ((V1StatefulSet)obj).Status?.Replicas ?? 0;

    /// <inheritdoc />
    public string? Selector(IKubernetesObject<V1ObjectMeta> obj) => Selectors.Format(((V1StatefulSet)obj).Spec?.Selector);

    /// <inheritdoc />
    public override IReadOnlyList<TableColumn> Columns => StatefulSetColumns;

    /// <inheritdoc />
    protected override void Default(V1StatefulSet obj)
    {
        var spec = obj.Spec ??= new V1StatefulSetSpec();
        spec.Replicas ??= 1;
        spec.PodManagementPolicy = string.IsNullOrEmpty(spec.PodManagementPolicy) ? "OrderedReady" : spec.PodManagementPolicy;
        spec.UpdateStrategy ??= new V1StatefulSetUpdateStrategy();
        if (string.IsNullOrEmpty(spec.UpdateStrategy.Type))
        {
            spec.UpdateStrategy.Type = "RollingUpdate";
        }

        if (spec.UpdateStrategy.Type == "RollingUpdate")
        {
            spec.UpdateStrategy.RollingUpdate ??= new V1RollingUpdateStatefulSetStrategy();
            spec.UpdateStrategy.RollingUpdate.Partition ??= 0;
        }

        spec.RevisionHistoryLimit ??= 10;
        spec.PersistentVolumeClaimRetentionPolicy ??= new V1StatefulSetPersistentVolumeClaimRetentionPolicy();
        spec.PersistentVolumeClaimRetentionPolicy.WhenDeleted ??= "Retain";
        spec.PersistentVolumeClaimRetentionPolicy.WhenScaled ??= "Retain";
        foreach (var claim in spec.VolumeClaimTemplates ?? [])
        {
            claim.Spec ??= new V1PersistentVolumeClaimSpec();
            claim.Spec.VolumeMode ??= "Filesystem";
        }

        WorkloadValidation.DefaultTemplate(spec.Template);
    }

    /// <inheritdoc />
    protected override void Validate(V1StatefulSet obj, FieldErrors errors)
    {
        var spec = obj.Spec ?? new V1StatefulSetSpec();
        var path = FieldPath.Root("spec");
        WorkloadValidation.Counts(spec.Replicas, spec.MinReadySeconds, spec.RevisionHistoryLimit, errors);
        switch (spec.PodManagementPolicy)
        {
            case null or "":
                errors.Required(path.Child("podManagementPolicy"));
                break;
            case "OrderedReady" or "Parallel":
                break;
            default:
                errors.Invalid(path.Child("podManagementPolicy"), spec.PodManagementPolicy, "must be 'OrderedReady' or 'Parallel'");
                break;
        }

        switch (spec.UpdateStrategy?.Type)
        {
            case null or "":
                errors.Required(path.Child("updateStrategy"));
                break;
            case "OnDelete":
                if (spec.UpdateStrategy.RollingUpdate is not null)
                {
                    errors.Invalid(path.Child("updateStrategy", "rollingUpdate"), new GoValue.Verbatim("rollingUpdate"), "only allowed for updateStrategy 'RollingUpdate'");
                }

                break;
            case "RollingUpdate":
                CommonValidation.NonNegative(spec.UpdateStrategy.RollingUpdate?.Partition, path.Child("updateStrategy", "rollingUpdate", "partition"), errors);
                break;
            default:
                errors.Invalid(path.Child("updateStrategy"), spec.UpdateStrategy.Type, "must be 'RollingUpdate' or 'OnDelete'");
                break;
        }

        if (!string.IsNullOrEmpty(spec.ServiceName))
        {
            errors.InvalidEach(path.Child("serviceName"), spec.ServiceName, Names.Dns1123Label(spec.ServiceName));
        }

        WorkloadValidation.SelectorAndTemplate(spec.Selector, spec.Template, "statefulset", "StatefulSet", errors);
    }

    /// <inheritdoc />
    protected override void ValidateUpdate(V1StatefulSet obj, V1StatefulSet old, FieldErrors errors)
    {
        Validate(obj, errors);
        if (obj.Spec is null || old.Spec is null)
        {
            return;
        }

        var masked = Json.Clone(obj.Spec);
        masked.Replicas = old.Spec.Replicas;
        masked.Ordinals = old.Spec.Ordinals;
        masked.Template = old.Spec.Template;
        masked.UpdateStrategy = old.Spec.UpdateStrategy;
        masked.PersistentVolumeClaimRetentionPolicy = old.Spec.PersistentVolumeClaimRetentionPolicy;
        masked.MinReadySeconds = old.Spec.MinReadySeconds;
        if (!Json.SemanticEquals(masked, old.Spec))
        {
            errors.Forbidden(FieldPath.Root("spec"), ForbiddenUpdateMessage);
        }
    }

    /// <inheritdoc />
    protected override IReadOnlyList<object?> Row(V1StatefulSet obj, DateTimeOffset now)
    {
        var (names, images) = Cols.ContainerCells(obj.Spec?.Template);
        return [obj.Metadata?.Name, $"{obj.Status?.ReadyReplicas ?? 0}/{obj.Spec?.Replicas ?? 0}", AgeOf(obj, now), names, images];
    }
}
