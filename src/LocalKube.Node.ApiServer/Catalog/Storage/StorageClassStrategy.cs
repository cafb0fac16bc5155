using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Pods;
using LocalKube.Node.ApiServer.Catalog.Printing;
using LocalKube.Node.ApiServer.Catalog.Validation;
using LocalKube.Node.ApiServer.Resources;

namespace LocalKube.Node.ApiServer.Catalog.Storage;

/// <summary>storage.k8s.io/v1 storage classes (cluster-scoped; provisioner, parameters and policies immutable).</summary>
public sealed class StorageClassStrategy : ResourceStrategy<V1StorageClass>
{
    private static readonly IReadOnlyList<TableColumn> ClassColumns =
    [
        Cols.Name,
        Cols.Text("Provisioner", "provisioner indicates the type of the provisioner."),
        Cols.Text("ReclaimPolicy", "reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class."),
        Cols.Text("VolumeBindingMode", "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound."),
        Cols.Text("AllowVolumeExpansion", "allowVolumeExpansion shows whether the storage class allow volume expand."),
        Cols.Age,
    ];

    /// <summary>Creates the strategy.</summary>
    public StorageClassStrategy()
        : base(Descriptors.Of("storage.k8s.io", "v1", "StorageClass", "storageclasses", false, shortNames: ["sc"]), "storageclasses", hasGeneration: false)
    {
    }

    /// <inheritdoc />
    public override IReadOnlyList<TableColumn> Columns => ClassColumns;

    /// <summary>Whether the class carries the default-class annotation (GA or beta).</summary>
    public static bool IsDefault(V1ObjectMeta? meta) =>
        meta?.Annotations is { } a
        && ((a.TryGetValue("storageclass.kubernetes.io/is-default-class", out var v) && v == "true")
            || (a.TryGetValue("storageclass.beta.kubernetes.io/is-default-class", out var b) && b == "true"));

    /// <inheritdoc />
    protected override void Default(V1StorageClass obj)
    {
        obj.ReclaimPolicy = string.IsNullOrEmpty(obj.ReclaimPolicy) ? "Delete" : obj.ReclaimPolicy;
        obj.VolumeBindingMode = string.IsNullOrEmpty(obj.VolumeBindingMode) ? "Immediate" : obj.VolumeBindingMode;
    }

    /// <inheritdoc />
    protected override void Validate(V1StorageClass obj, FieldErrors errors)
    {
        if (string.IsNullOrEmpty(obj.Provisioner))
        {
            errors.Required(FieldPath.Root("provisioner"));
        }
        else
        {
            errors.InvalidEach(FieldPath.Root("provisioner"), obj.Provisioner, Names.QualifiedName(obj.Provisioner.ToLowerInvariant()));
        }

        if (!string.IsNullOrEmpty(obj.ReclaimPolicy) && obj.ReclaimPolicy is not ("Delete" or "Retain"))
        {
            errors.NotSupported(FieldPath.Root("reclaimPolicy"), obj.ReclaimPolicy, ["Delete", "Retain"]);
        }

        ContainerValidation.OneOf(obj.VolumeBindingMode, ["Immediate", "WaitForFirstConsumer"], FieldPath.Root("volumeBindingMode"), errors);
    }

    /// <inheritdoc />
    protected override void ValidateUpdate(V1StorageClass obj, V1StorageClass old, FieldErrors errors)
    {
        Validate(obj, errors);
        if (!Json.SemanticEquals(obj.Parameters ?? new Dictionary<string, string>(), old.Parameters ?? new Dictionary<string, string>()))
        {
            errors.Forbidden(FieldPath.Root("parameters"), "updates to parameters are forbidden.");
        }

        if (obj.Provisioner != old.Provisioner)
        {
            errors.Forbidden(FieldPath.Root("provisioner"), "updates to provisioner are forbidden.");
        }

        if (obj.ReclaimPolicy != old.ReclaimPolicy)
        {
            errors.Forbidden(FieldPath.Root("reclaimPolicy"), "updates to reclaimPolicy are forbidden.");
        }

        CommonValidation.Immutable(obj.VolumeBindingMode, old.VolumeBindingMode, FieldPath.Root("volumeBindingMode"), errors);
    }

    /// <inheritdoc />
    protected override object? GenerationSource(V1StorageClass obj) => null;

    /// <inheritdoc />
    protected override IReadOnlyList<object?> Row(V1StorageClass obj, DateTimeOffset now) =>
    [
        IsDefault(obj.Metadata) ? obj.Metadata?.Name + " (default)" : obj.Metadata?.Name, obj.Provisioner ?? "", obj.ReclaimPolicy ?? "Delete",
        obj.VolumeBindingMode ?? "Immediate", obj.AllowVolumeExpansion ?? false, AgeOf(obj, now),
    ];
}
