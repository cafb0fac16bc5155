using k8s.Models;
using LocalKube.Node.Controllers.PersistentVolume;
using LocalKube.Node.Machinery.Volumes;

namespace LocalKube.Node.Controllers.Storage;

/// <summary>
/// The minikube-style hostPath provisioner's volumes (kubernetes/minikube <c>pkg/storage/storage_provisioner.go</c>
/// on sig-storage-lib-external-provisioner): PV <c>pvc-&lt;claim uid&gt;</c> with a hostPath under
/// <c>&lt;root&gt;/&lt;namespace&gt;/&lt;claim&gt;</c>, the claim's size, modes and volume mode, the class's reclaim
/// policy and mount options, pre-bound to the claim.
/// </summary>
internal static class HostPathVolumes
{
    /// <summary>minikube's provisioner name, which the default StorageClass names.</summary>
    public const string ProvisionerName = "k8s.io/minikube-hostpath";

    /// <summary>The name of the volume provisioned for <paramref name="claim"/>.</summary>
    public static string VolumeName(V1PersistentVolumeClaim claim) => "pvc-" + claim.Metadata.Uid;

    /// <summary>The directory of <paramref name="claim"/>'s volume under <paramref name="root"/>.</summary>
    public static string PathFor(string root, V1PersistentVolumeClaim claim) =>
        Path.Combine(root, claim.Metadata.NamespaceProperty, claim.Metadata.Name);

    /// <summary>
    /// Whether this provisioner should provision <paramref name="claim"/>: unbound, asked of this provisioner (by the
    /// PV controller's annotation) through a class of ours, not being deleted, and for WaitForFirstConsumer with a
    /// node selected.
    /// </summary>
    public static bool ShouldProvision(V1PersistentVolumeClaim claim, V1StorageClass? storageClass)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var annotations = claim.Metadata.Annotations;
        var asked = annotations is not null
            && ((annotations.TryGetValue(VolumeAnnotations.StorageProvisioner, out var p) && p == ProvisionerName)
                || (annotations.TryGetValue(VolumeAnnotations.BetaStorageProvisioner, out var b) && b == ProvisionerName));
        if (!asked || !string.IsNullOrEmpty(claim.Spec?.VolumeName) || claim.Metadata.DeletionTimestamp is not null
            || storageClass?.Provisioner != ProvisionerName)
        {
            return false;
        }

        return storageClass.VolumeBindingMode != "WaitForFirstConsumer" || annotations!.ContainsKey(VolumeAnnotations.SelectedNode);
    }

    /// <summary>The volume to create for <paramref name="claim"/> of <paramref name="storageClass"/>.</summary>
    public static V1PersistentVolume Build(V1PersistentVolumeClaim claim, V1StorageClass storageClass, string path, string identity)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentNullException.ThrowIfNull(storageClass);
        var requested = claim.Spec?.Resources?.Requests is { } r && r.TryGetValue("storage", out var size) ? size : new ResourceQuantity("0");
        return new V1PersistentVolume
        {
            ApiVersion = "v1",
            Kind = "PersistentVolume",
            Metadata = new V1ObjectMeta
            {
                Name = VolumeName(claim),
                Annotations = new Dictionary<string, string>
                {
                    [VolumeAnnotations.ProvisionerIdentity] = identity,
                    [VolumeAnnotations.ProvisionedBy] = ProvisionerName,
                },
            },
            Spec = new V1PersistentVolumeSpec
            {
                PersistentVolumeReclaimPolicy = string.IsNullOrEmpty(storageClass.ReclaimPolicy) ? "Delete" : storageClass.ReclaimPolicy,
                AccessModes = claim.Spec?.AccessModes,
                Capacity = new Dictionary<string, ResourceQuantity> { ["storage"] = requested },
                HostPath = new V1HostPathVolumeSource { Path = path, Type = "" },
                StorageClassName = VolumeMatcher.ClaimClass(claim),
                VolumeMode = claim.Spec?.VolumeMode,
                MountOptions = storageClass.MountOptions,
                ClaimRef = new V1ObjectReference
                {
                    Kind = "PersistentVolumeClaim", ApiVersion = "v1", NamespaceProperty = claim.Metadata.NamespaceProperty,
                    Name = claim.Metadata.Name, Uid = claim.Metadata.Uid, ResourceVersion = claim.Metadata.ResourceVersion,
                },
            },
        };
    }

    /// <summary>
    /// Whether <paramref name="volume"/> is a Released volume of this provisioner instance whose reclaim policy is
    /// Delete: its directory and the PV object go.
    /// </summary>
    public static bool ShouldDelete(V1PersistentVolume volume, string identity)
    {
        ArgumentNullException.ThrowIfNull(volume);
        var annotations = volume.Metadata.Annotations;
        return volume.Status?.Phase == "Released" && volume.Spec?.PersistentVolumeReclaimPolicy == "Delete"
            && volume.Metadata.DeletionTimestamp is null
            && annotations is not null
            && annotations.TryGetValue(VolumeAnnotations.ProvisionedBy, out var by) && by == ProvisionerName
            && annotations.TryGetValue(VolumeAnnotations.ProvisionerIdentity, out var id) && id == identity;
    }
}
