using k8s;
using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Validation;
using LocalKube.Node.ApiServer.Discovery;
using LocalKube.Node.ApiServer.Resources;

namespace LocalKube.Node.ApiServer.Rest.Core;

/// <summary>
/// core/v1 Namespaces (k/k <c>pkg/registry/core/namespace</c>): DNS-1123 label names, the
/// <c>kubernetes.io/metadata.name</c> label, phase Active, the <c>kubernetes</c> finalizer on create; deletion moves
/// to Terminating until the namespace controller has emptied it and finalized it.
/// </summary>
public sealed class NamespaceStrategy : IResourceStrategy, IDeletionStrategy
{
    private static readonly Names.Rule MachineryNameRule = (name, prefix) => NameValidation.NameIsDns1123Label(name, prefix).ToList();

    /// <summary>The finalizer the namespace controller removes once the namespace is empty.</summary>
    public const string KubernetesFinalizer = "kubernetes";

    /// <summary>The label upstream sets to the namespace's name.</summary>
    public const string NameLabel = "kubernetes.io/metadata.name";

    /// <inheritdoc />
    public ApiResourceDescriptor Descriptor { get; } = new()
    {
        Group = "",
        Version = "v1",
        Kind = "Namespace",
        Plural = "namespaces",
        Singular = "namespace",
        Namespaced = false,
        Verbs = ["create", "delete", "get", "list", "patch", "update", "watch"],
        ShortNames = ["ns"],
        Subresources =
        [
            new ApiSubresourceDescriptor("finalize", ["update"]),
            new ApiSubresourceDescriptor("status", ["get", "patch", "update"]),
        ],
    };

    /// <inheritdoc />
    public Type ModelType => typeof(V1Namespace);

    /// <inheritdoc />
    public string StoragePrefix => "namespaces";

    /// <inheritdoc />
    public bool HasGeneration => false;

    /// <inheritdoc />
    public bool ReturnDeletedObject => false;

    /// <inheritdoc />
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        CoreColumns.Name,
        new("Status", "string", "", "The status of the namespace"),
        CoreColumns.Age,
    ];

    /// <inheritdoc />
    public void Default(IKubernetesObject<V1ObjectMeta> obj)
    {
        var ns = (V1Namespace)obj;
        ns.Metadata.Labels ??= new Dictionary<string, string>();
        ns.Metadata.Labels[NameLabel] = ns.Metadata.Name ?? "";

        // A namespace without a phase is a new one (updates carry the stored status): upstream's PrepareForCreate
        // makes it Active and requires the kubernetes finalizer.
        if (ns.Status?.Phase is null)
        {
            ns.Status = new V1NamespaceStatus { Phase = "Active" };
            ns.Spec ??= new V1NamespaceSpec();
            ns.Spec.Finalizers ??= [];
            if (!ns.Spec.Finalizers.Contains(KubernetesFinalizer))
            {
                ns.Spec.Finalizers.Add(KubernetesFinalizer);
            }
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<V1StatusCause> ValidateCreate(IKubernetesObject<V1ObjectMeta> obj)
    {
        var ns = (V1Namespace)obj;
        var meta = new FieldErrors();
        MetaValidation.Validate(ns.Metadata, false, MachineryNameRule, meta);
        var errors = meta.ToList();
        errors.AddRange(ValidateFinalizers(ns));
        return errors;
    }

    /// <inheritdoc />
    public IReadOnlyList<V1StatusCause> ValidateUpdate(IKubernetesObject<V1ObjectMeta> obj, IKubernetesObject<V1ObjectMeta> old)
    {
        var ns = (V1Namespace)obj;
        var meta = new FieldErrors();
        MetaValidation.ValidateUpdate(ns.Metadata, old.Metadata, false, MachineryNameRule, meta);
        var errors = meta.ToList();
        errors.AddRange(ValidateFinalizers(ns));
        return errors;
    }

    /// <inheritdoc />
    public bool SpecChanged(IKubernetesObject<V1ObjectMeta> old, IKubernetesObject<V1ObjectMeta> updated) => false;

    /// <inheritdoc />
    public IReadOnlyList<object?> Cells(IKubernetesObject<V1ObjectMeta> obj, DateTimeOffset now)
    {
        var ns = (V1Namespace)obj;
        return [ns.Metadata.Name, ns.Status?.Phase ?? "", HumanDuration.Age(ns.Metadata.CreationTimestamp, now)];
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> SelectableFields(IKubernetesObject<V1ObjectMeta> obj) => new Dictionary<string, string>
    {
        ["metadata.name"] = obj.Metadata?.Name ?? "",
        ["status.phase"] = (obj as V1Namespace)?.Status?.Phase ?? "",
    };

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

    private static IEnumerable<V1StatusCause> ValidateFinalizers(V1Namespace ns)
    {
        var finalizers = ns.Spec?.Finalizers ?? [];
        for (var i = 0; i < finalizers.Count; i++)
        {
            foreach (var message in NameValidation.QualifiedName(finalizers[i] ?? ""))
            {
                yield return StatusCauses.Invalid($"spec.finalizers[{i}]", finalizers[i], message);
            }

            if (finalizers[i] is { } f && !f.Contains('/', StringComparison.Ordinal) && f != KubernetesFinalizer)
            {
                yield return StatusCauses.Invalid($"spec.finalizers[{i}]", f, "name is neither a standard finalizer name nor is it fully qualified");
            }
        }
    }
}
