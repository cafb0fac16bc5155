using k8s;
using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Validation;
using LocalKube.Node.ApiServer.Discovery;
using LocalKube.Node.ApiServer.Resources;

namespace LocalKube.Node.ApiServer.Catalog.Core;

/// <summary>
/// core/v1 Namespaces (k/k <c>pkg/registry/core/namespace</c>): DNS-1123 label names, the
/// <c>kubernetes.io/metadata.name</c> label, phase Active, the <c>kubernetes</c> finalizer on create; deletion moves
/// to Terminating until the namespace controller has emptied it and finalized it.
/// </summary>
public sealed class NamespaceStrategy : ResourceStrategy<V1Namespace>, IDeletionStrategy
{
    /// <summary>The finalizer the namespace controller removes once the namespace is empty.</summary>
    public const string KubernetesFinalizer = "kubernetes";

    /// <summary>The label upstream sets to the namespace's name.</summary>
    public const string NameLabel = "kubernetes.io/metadata.name";

    private static readonly IReadOnlyList<TableColumn> NamespaceColumns =
    [
        CoreColumns.Name,
        new("Status", "string", "", "The status of the namespace"),
        CoreColumns.Age,
    ];

    /// <summary>Creates the strategy.</summary>
    public NamespaceStrategy()
        : base(Descriptors.Of("", "v1", "Namespace", "namespaces", false, shortNames: ["ns"],
            subresources: [new ApiSubresourceDescriptor("finalize", ["update"]), Descriptors.Status],
            verbs: ["create", "delete", "get", "list", "patch", "update", "watch"]), "namespaces", hasGeneration: false)
    {
    }

    /// <inheritdoc />
    public bool ReturnDeletedObject => false;

    /// <inheritdoc />
    public override IReadOnlyList<TableColumn> Columns => NamespaceColumns;

    // Upstream's NameIsDNSLabel as the machinery has it (Names.LabelName masks a generateName's dash differently).
    /// <inheritdoc />
    protected override Names.Rule NameRule => (name, prefix) => NameValidation.NameIsDns1123Label(name, prefix).ToList();

    /// <inheritdoc />
    public long GracePeriodSeconds(IKubernetesObject<V1ObjectMeta> obj, long? requested) => 0;

    /// <inheritdoc />
    public bool PrepareForDeletion(IKubernetesObject<V1ObjectMeta> obj)
    {
        var ns = (V1Namespace)obj;
        ns.Status ??= new V1NamespaceStatus();
        ns.Status.Phase = "Terminating";
        return ns.Spec?.Finalizers is { Count: > 0 };
    }

    /// <inheritdoc />
    protected override void Default(V1Namespace obj)
    {
        obj.Metadata.Labels ??= new Dictionary<string, string>();
        obj.Metadata.Labels[NameLabel] = obj.Metadata.Name ?? "";

        // A namespace without a phase is a new one (updates carry the stored status): upstream's PrepareForCreate
        // makes it Active and requires the kubernetes finalizer.
        if (obj.Status?.Phase is null)
        {
            obj.Status = new V1NamespaceStatus { Phase = "Active" };
            obj.Spec ??= new V1NamespaceSpec();
            obj.Spec.Finalizers ??= [];
            if (!obj.Spec.Finalizers.Contains(KubernetesFinalizer))
            {
                obj.Spec.Finalizers.Add(KubernetesFinalizer);
            }
        }
    }

    /// <inheritdoc />
    protected override void Validate(V1Namespace obj, FieldErrors errors)
    {
        var finalizers = obj.Spec?.Finalizers ?? [];
        for (var i = 0; i < finalizers.Count; i++)
        {
            var path = FieldPath.Root("spec", "finalizers").Index(i).ToString();
            foreach (var message in NameValidation.QualifiedName(finalizers[i] ?? ""))
            {
                errors.Add(StatusCauses.Invalid(path, finalizers[i], message));
            }

            if (finalizers[i] is { } f && !f.Contains('/', StringComparison.Ordinal) && f != KubernetesFinalizer)
            {
                errors.Add(StatusCauses.Invalid(path, f, "name is neither a standard finalizer name nor is it fully qualified"));
            }
        }
    }

    /// <inheritdoc />
    protected override object? GenerationSource(V1Namespace obj) => null;

    /// <inheritdoc />
    protected override IReadOnlyList<object?> Row(V1Namespace obj, DateTimeOffset now) =>
        [obj.Metadata.Name, obj.Status?.Phase ?? "", HumanDuration.Age(obj.Metadata.CreationTimestamp, now)];

    /// <inheritdoc />
    protected override void AddSelectableFields(V1Namespace obj, IDictionary<string, string> fields) =>
        fields["status.phase"] = obj.Status?.Phase ?? "";
}
