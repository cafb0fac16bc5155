using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Printing;
using LocalKube.Node.ApiServer.Catalog.Validation;
using LocalKube.Node.ApiServer.Resources;

namespace LocalKube.Node.ApiServer.Catalog.Core;

/// <summary>Access modes and the other helpers persistent volumes and claims share.</summary>
public static class VolumeCells
{
    /// <summary>Supported access modes, sorted as upstream lists them.</summary>
    public static readonly IReadOnlyList<string> AccessModes = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"];

    /// <summary>Upstream's ACCESS MODES cell: <c>RWO,ROX,RWX,RWOP</c> in that fixed order.</summary>
    public static string AccessModesCell(IList<string>? modes)
    {
        modes ??= [];
        var parts = new List<string>();
        foreach (var (mode, abbrev) in new[] { ("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"), ("ReadWriteOncePod", "RWOP") })
        {
            if (modes.Contains(mode))
            {
                parts.Add(abbrev);
            }
        }

        return string.Join(",", parts);
    }

    /// <summary>The storage class of a volume or claim: the field, else the beta annotation.</summary>
    public static string StorageClass(string? field, V1ObjectMeta? meta) =>
        !string.IsNullOrEmpty(field) ? field
        : meta?.Annotations is { } a && a.TryGetValue("volume.beta.kubernetes.io/storage-class", out var v) ? v : "";

    /// <summary>Validates a list of access modes at <paramref name="path"/>.</summary>
    public static void ValidateAccessModes(IList<string>? modes, FieldPath path, FieldErrors errors)
    {
        if (modes is null || modes.Count == 0)
        {
            errors.Required(path);
            return;
        }

        foreach (var m in modes)
        {
            if (!AccessModes.Contains(m))
            {
                errors.NotSupported(path, m, AccessModes);
            }
        }

        if (modes.Contains("ReadWriteOncePod") && modes.Count > 1)
        {
            errors.Forbidden(path, "may not use ReadWriteOncePod with other access modes");
        }
    }
}

/// <summary>core/v1 persistent volumes (cluster-scoped).</summary>
public sealed class PersistentVolumeStrategy : ResourceStrategy<V1PersistentVolume>
{
    private static readonly IReadOnlyList<TableColumn> VolumeColumns =
    [
        Cols.Name,
        Cols.Text("Capacity", "capacity is the description of the persistent volume's resources and capacity."),
        Cols.Text("Access Modes", "accessModes contains all ways the volume can be mounted."),
        Cols.Text("Reclaim Policy", "persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim."),
        Cols.Text("Status", "phase indicates if a volume is available, bound to a claim, or released by a claim."),
        Cols.Text("Claim", "claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim."),
        Cols.Text("StorageClass", "StorageClass of the pv"),
        Cols.Text("VolumeAttributesClass", "VolumeAttributesClass of the pv"),
        Cols.Text("Reason", "reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI."),
        Cols.Age,
        Cols.Text("VolumeMode", "volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.", 1),
    ];

    /// <summary>Creates the strategy.</summary>
    public PersistentVolumeStrategy()
        : base(Descriptors.Of("", "v1", "PersistentVolume", "persistentvolumes", false, shortNames: ["pv"], subresources: [Descriptors.Status]),
            "persistentvolumes", hasGeneration: false)
    {
    }

    /// <inheritdoc />
    public override IReadOnlyList<TableColumn> Columns => VolumeColumns;

    /// <inheritdoc />
    protected override void Default(V1PersistentVolume obj)
    {
        var spec = obj.Spec ??= new V1PersistentVolumeSpec();
        spec.PersistentVolumeReclaimPolicy = string.IsNullOrEmpty(spec.PersistentVolumeReclaimPolicy) ? "Retain" : spec.PersistentVolumeReclaimPolicy;
        spec.VolumeMode ??= "Filesystem";
        obj.Status ??= new V1PersistentVolumeStatus();
        obj.Status.Phase = string.IsNullOrEmpty(obj.Status.Phase) ? "Pending" : obj.Status.Phase;
    }

    /// <inheritdoc />
    protected override void Validate(V1PersistentVolume obj, FieldErrors errors)
    {
        var spec = obj.Spec ?? new V1PersistentVolumeSpec();
        var path = FieldPath.Root("spec");
        VolumeCells.ValidateAccessModes(spec.AccessModes, path.Child("accessModes"), errors);
        if (spec.Capacity is null || spec.Capacity.Count == 0)
        {
            errors.Required(path.Child("capacity"));
        }
        else if (!spec.Capacity.ContainsKey("storage") || spec.Capacity.Count > 1)
        {
            errors.NotSupported(path.Child("capacity"), new GoValue.Verbatim("core.ResourceList{...}"), ["storage"]);
        }

        if (!string.IsNullOrEmpty(spec.PersistentVolumeReclaimPolicy) && spec.PersistentVolumeReclaimPolicy is not ("Delete" or "Recycle" or "Retain"))
        {
            errors.NotSupported(path.Child("persistentVolumeReclaimPolicy"), spec.PersistentVolumeReclaimPolicy, ["Delete", "Recycle", "Retain"]);
        }

        if (spec.VolumeMode is { } mode && mode is not ("Block" or "Filesystem"))
        {
            errors.NotSupported(path.Child("volumeMode"), mode, ["Block", "Filesystem"]);
        }

        var sources = new object?[]
        {
            spec.HostPath, spec.Nfs, spec.Local, spec.Csi, spec.Iscsi, spec.Fc, spec.Rbd, spec.Cephfs, spec.Cinder, spec.Glusterfs,
            spec.AwsElasticBlockStore, spec.GcePersistentDisk, spec.AzureDisk, spec.AzureFile, spec.FlexVolume, spec.Flocker,
            spec.PhotonPersistentDisk, spec.PortworxVolume, spec.Quobyte, spec.ScaleIO, spec.Storageos, spec.VsphereVolume,
        }.Count(s => s is not null);
        if (sources == 0)
        {
            errors.Required(path, "must specify a volume type");
        }
        else if (sources > 1)
        {
            errors.Forbidden(path, "may not specify more than 1 volume type");
        }
    }

    /// <inheritdoc />
    protected override object? GenerationSource(V1PersistentVolume obj) => null;

    /// <inheritdoc />
    protected override IReadOnlyList<object?> Row(V1PersistentVolume obj, DateTimeOffset now)
    {
        var spec = obj.Spec ?? new V1PersistentVolumeSpec();
        var claim = spec.ClaimRef is { } c ? $"{c.NamespaceProperty}/{c.Name}" : "";
        var phase = obj.Metadata?.DeletionTimestamp is not null ? "Terminating" : obj.Status?.Phase ?? "";
        var size = spec.Capacity is not null && spec.Capacity.TryGetValue("storage", out var q) && q is not null ? q.ToString() : "0";
        return
        [
            obj.Metadata?.Name, size, VolumeCells.AccessModesCell(spec.AccessModes), spec.PersistentVolumeReclaimPolicy ?? "", phase, claim,
            VolumeCells.StorageClass(spec.StorageClassName, obj.Metadata), spec.VolumeAttributesClassName ?? "<unset>", obj.Status?.Reason ?? "",
            AgeOf(obj, now), spec.VolumeMode ?? "<unset>",
        ];
    }
}

/// <summary>core/v1 persistent volume claims.</summary>
public sealed class PersistentVolumeClaimStrategy : ResourceStrategy<V1PersistentVolumeClaim>
{
    /// <summary>Upstream's message for a change outside a claim's mutable fields.</summary>
    public const string ForbiddenUpdateMessage = "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims";

    private static readonly IReadOnlyList<TableColumn> ClaimColumns =
    [
        Cols.Name,
        Cols.Text("Status", "phase represents the current phase of PersistentVolumeClaim."),
        Cols.Text("Volume", "volumeName is the binding reference to the PersistentVolume backing this claim."),
        Cols.Text("Capacity", "capacity represents the actual resources of the underlying volume."),
        Cols.Text("Access Modes", "accessModes contains the actual access modes the volume backing the PVC has."),
        Cols.Text("StorageClass", "StorageClass of the pvc"),
        Cols.Text("VolumeAttributesClass", "VolumeAttributesClass of the pvc"),
        Cols.Age,
        Cols.Text("VolumeMode", "volumeMode defines what type of volume is required by the claim.", 1),
    ];

    /// <summary>Creates the strategy.</summary>
    public PersistentVolumeClaimStrategy()
        : base(Descriptors.Of("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true, shortNames: ["pvc"], subresources: [Descriptors.Status]),
            "persistentvolumeclaims", hasGeneration: false)
    {
    }

    /// <inheritdoc />
    public override IReadOnlyList<TableColumn> Columns => ClaimColumns;

    /// <inheritdoc />
    protected override void Default(V1PersistentVolumeClaim obj)
    {
        var spec = obj.Spec ??= new V1PersistentVolumeClaimSpec();
        spec.VolumeMode ??= "Filesystem";
        obj.Status ??= new V1PersistentVolumeClaimStatus();
        obj.Status.Phase = string.IsNullOrEmpty(obj.Status.Phase) ? "Pending" : obj.Status.Phase;
    }

    /// <inheritdoc />
    protected override void Validate(V1PersistentVolumeClaim obj, FieldErrors errors)
    {
        var spec = obj.Spec ?? new V1PersistentVolumeClaimSpec();
        var path = FieldPath.Root("spec");
        VolumeCells.ValidateAccessModes(spec.AccessModes, path.Child("accessModes"), errors);
        CommonValidation.LabelSelector(spec.Selector, path.Child("selector"), errors);
        var storagePath = path.Child("resources").Key("storage");
        if (spec.Resources?.Requests is not { } requests || !requests.TryGetValue("storage", out var storage) || storage is null)
        {
            errors.Required(storagePath);
        }
        else if (QuantityMath.Sign(storage) <= 0)
        {
            errors.Invalid(storagePath, QuantityMath.Format(storage), "must be greater than zero");
        }

        if (spec.VolumeMode is { } mode && mode is not ("Block" or "Filesystem"))
        {
            errors.NotSupported(path.Child("volumeMode"), mode, ["Block", "Filesystem"]);
        }
    }

    /// <inheritdoc />
    protected override void ValidateUpdate(V1PersistentVolumeClaim obj, V1PersistentVolumeClaim old, FieldErrors errors)
    {
        Validate(obj, errors);
        if (obj.Spec is null || old.Spec is null)
        {
            return;
        }

        // Binding fills volumeName once; a bound claim may grow its request and change its attributes class.
        var masked = Json.Clone(obj.Spec);
        if (string.IsNullOrEmpty(old.Spec.VolumeName))
        {
            masked.VolumeName = old.Spec.VolumeName;
        }

        masked.VolumeAttributesClassName = old.Spec.VolumeAttributesClassName;
        if (masked.Resources is not null && old.Spec.Resources is not null)
        {
            masked.Resources.Requests = old.Spec.Resources.Requests;
        }

        if (!Json.SemanticEquals(masked, old.Spec))
        {
            errors.Forbidden(FieldPath.Root("spec"), ForbiddenUpdateMessage);
        }
    }

    /// <inheritdoc />
    protected override object? GenerationSource(V1PersistentVolumeClaim obj) => null;

    /// <inheritdoc />
    protected override IReadOnlyList<object?> Row(V1PersistentVolumeClaim obj, DateTimeOffset now)
    {
        var spec = obj.Spec ?? new V1PersistentVolumeClaimSpec();
        var phase = obj.Metadata?.DeletionTimestamp is not null ? "Terminating" : obj.Status?.Phase ?? "";
        var capacity = "";
        var modes = "";
        if (!string.IsNullOrEmpty(spec.VolumeName))
        {
            modes = VolumeCells.AccessModesCell(obj.Status?.AccessModes);
            capacity = obj.Status?.Capacity is { } cap && cap.TryGetValue("storage", out var q) && q is not null ? q.ToString() : "0";
        }

        return
        [
            obj.Metadata?.Name, phase, spec.VolumeName ?? "", capacity, modes, VolumeCells.StorageClass(spec.StorageClassName, obj.Metadata),
            spec.VolumeAttributesClassName ?? "<unset>", AgeOf(obj, now), spec.VolumeMode ?? "<unset>",
        ];
    }
}
