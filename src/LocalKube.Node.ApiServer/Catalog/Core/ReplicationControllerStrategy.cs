using k8s;
using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Apps;
using LocalKube.Node.ApiServer.Catalog.Pods;
using LocalKube.Node.ApiServer.Catalog.Printing;
using LocalKube.Node.ApiServer.Catalog.Validation;
using LocalKube.Node.ApiServer.Resources;

namespace LocalKube.Node.ApiServer.Catalog.Core;

/// <summary>core/v1 replication controllers (map selectors, defaulted from the template labels).</summary>
public sealed class ReplicationControllerStrategy : ResourceStrategy<V1ReplicationController>, IScaleStrategy
{
    /// <summary>Creates the strategy.</summary>
    public ReplicationControllerStrategy()
        : base(Descriptors.Of("", "v1", "ReplicationController", "replicationcontrollers", true, shortNames: ["rc"], categories: ["all"],
            subresources: [Descriptors.Scale, Descriptors.Status]), "controllers", hasGeneration: true)
    {
    }

    /// <inheritdoc />
    public int SpecReplicas(IKubernetesObject<V1ObjectMeta> obj) => ((V1ReplicationController)obj).Spec?.Replicas ?? 0;

    /// <inheritdoc />
    public void SetSpecReplicas(IKubernetesObject<V1ObjectMeta> obj, int replicas)
    {
        var typed = (V1ReplicationController)obj;
        typed.Spec ??= new V1ReplicationControllerSpec();
        typed.Spec.Replicas = replicas;
    }

    /// <inheritdoc />
    public int StatusReplicas(IKubernetesObject<V1ObjectMeta> obj) => ((V1ReplicationController)obj).Status?.Replicas ?? 0;

    /// <inheritdoc />
    public string? Selector(IKubernetesObject<V1ObjectMeta> obj) => string.Join(",", (((V1ReplicationController)obj).Spec?.Selector ?? new Dictionary<string, string>()).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));

    /// <inheritdoc />
    public override IReadOnlyList<TableColumn> Columns => ReplicaSetStrategy.ReplicaColumns;

    /// <inheritdoc />
    protected override void Default(V1ReplicationController obj)
    {
        var spec = obj.Spec ??= new V1ReplicationControllerSpec();
        spec.Replicas ??= 1;
        var templateLabels = spec.Template?.Metadata?.Labels;
        if (templateLabels is { Count: > 0 })
        {
            if (spec.Selector is null || spec.Selector.Count == 0)
            {
                spec.Selector = new Dictionary<string, string>(templateLabels);
            }

            obj.Metadata ??= new V1ObjectMeta();
            if (obj.Metadata.Labels is null || obj.Metadata.Labels.Count == 0)
            {
                obj.Metadata.Labels = new Dictionary<string, string>(templateLabels);
            }
        }

        WorkloadValidation.DefaultTemplate(spec.Template);
    }

    /// <inheritdoc />
    protected override void Validate(V1ReplicationController obj, FieldErrors errors)
    {
        var spec = obj.Spec ?? new V1ReplicationControllerSpec();
        var path = FieldPath.Root("spec");
        WorkloadValidation.Counts(spec.Replicas, spec.MinReadySeconds, null, errors);
        if (spec.Selector is null || spec.Selector.Count == 0)
        {
            errors.Required(path.Child("selector"));
        }
        else
        {
            CommonValidation.MapSelector(spec.Selector, path.Child("selector"), errors);
        }

        var selector = spec.Selector ?? new Dictionary<string, string>();
        PodSpecValidation.ValidateReplicatedTemplate(spec.Template,
            labels => selector.Count == 0 || selector.All(kv => labels is not null && labels.TryGetValue(kv.Key, out var v) && v == kv.Value),
            "ReplicationController", path.Child("template"), errors);
    }

    /// <inheritdoc />
    protected override IReadOnlyList<object?> Row(V1ReplicationController obj, DateTimeOffset now)
    {
        var (names, images) = Cols.ContainerCells(obj.Spec?.Template);
        return
        [
            obj.Metadata?.Name, obj.Spec?.Replicas ?? 0, obj.Status?.Replicas ?? 0, obj.Status?.ReadyReplicas ?? 0, AgeOf(obj, now),
            names, images, Selectors.FormatLabels(obj.Spec?.Selector),
        ];
    }

    /// <inheritdoc />
    protected override void AddSelectableFields(V1ReplicationController obj, IDictionary<string, string> fields) =>
        fields["status.replicas"] = (obj.Status?.Replicas ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
