using k8s;
using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Printing;
using LocalKube.Node.ApiServer.Catalog.Validation;
using LocalKube.Node.ApiServer.Resources;

namespace LocalKube.Node.ApiServer.Catalog.Apps;

/// <summary>apps/v1 replica sets.</summary>
public sealed class ReplicaSetStrategy : ResourceStrategy<V1ReplicaSet>, IScaleStrategy
{
    /// <summary>DESIRED, CURRENT, READY columns shared with replication controllers.</summary>
    internal static readonly IReadOnlyList<TableColumn> ReplicaColumns =
    [
        Cols.Name,
        Cols.Integer("Desired", "Replicas is the number of desired pods."),
        Cols.Integer("Current", "Replicas is the most recently observed number of non-terminating pods."),
        Cols.Integer("Ready", "The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition."),
        Cols.Age,
        Cols.Containers,
        Cols.Images,
        Cols.Text("Selector", "Selector is a label query over pods that should match the replica count.", 1),
    ];

    /// <summary>Creates the strategy.</summary>
    public ReplicaSetStrategy()
        : base(Descriptors.Of("apps", "v1", "ReplicaSet", "replicasets", true, shortNames: ["rs"], categories: ["all"],
            subresources: [Descriptors.Scale, Descriptors.Status]), "replicasets", hasGeneration: true)
    {
    }

    /// <inheritdoc />
    public int SpecReplicas(IKubernetesObject<V1ObjectMeta> obj) => ((V1ReplicaSet)obj).Spec?.Replicas ?? 0;

    /// <inheritdoc />
    public void SetSpecReplicas(IKubernetesObject<V1ObjectMeta> obj, int replicas)
    {
        var typed = (V1ReplicaSet)obj;
        typed.Spec ??= new V1ReplicaSetSpec();
        typed.Spec.Replicas = replicas;
    }

    /// <inheritdoc />
    public int StatusReplicas(IKubernetesObject<V1ObjectMeta> obj) => ((V1ReplicaSet)obj).Status?.Replicas ?? 0;

    /// <inheritdoc />
    public string? Selector(IKubernetesObject<V1ObjectMeta> obj) => Selectors.Format(((V1ReplicaSet)obj).Spec?.Selector);

    /// <inheritdoc />
    public override IReadOnlyList<TableColumn> Columns => ReplicaColumns;

    /// <inheritdoc />
    protected override void Default(V1ReplicaSet obj)
    {
        var spec = obj.Spec ??= new V1ReplicaSetSpec();
        spec.Replicas ??= 1;
        WorkloadValidation.DefaultTemplate(spec.Template);
    }

    /// <inheritdoc />
    protected override void Validate(V1ReplicaSet obj, FieldErrors errors)
    {
        var spec = obj.Spec ?? new V1ReplicaSetSpec();
        WorkloadValidation.Counts(spec.Replicas, spec.MinReadySeconds, null, errors);
        WorkloadValidation.SelectorAndTemplate(spec.Selector, spec.Template, "deployment", "ReplicaSet", errors);
    }

    /// <inheritdoc />
    protected override void ValidateUpdate(V1ReplicaSet obj, V1ReplicaSet old, FieldErrors errors)
    {
        Validate(obj, errors);
        WorkloadValidation.ImmutableSelector(obj.Spec?.Selector, old.Spec?.Selector, errors);
    }

    /// <inheritdoc />
    protected override IReadOnlyList<object?> Row(V1ReplicaSet obj, DateTimeOffset now)
    {
        var (names, images) = Cols.ContainerCells(obj.Spec?.Template);
        return [obj.Metadata?.Name, obj.Spec?.Replicas ?? 0, obj.Status?.Replicas ?? 0, obj.Status?.ReadyReplicas ?? 0, AgeOf(obj, now), names, images, Selectors.FormatOrNone(obj.Spec?.Selector)];
    }

    /// <inheritdoc />
    protected override void AddSelectableFields(V1ReplicaSet obj, IDictionary<string, string> fields) =>
        fields["status.replicas"] = (obj.Status?.Replicas ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
