using k8s.Models;
using LocalKube.Node.Machinery.Volumes;

namespace LocalKube.Node.Controllers.PersistentVolume;

/// <summary>
/// The PersistentVolume controller's decisions (k/k <c>pkg/controller/volume/persistentvolume/pv_controller.go</c>
/// <c>syncClaim</c>/<c>syncVolume</c>): an unbound claim binds to its pre-bound or best matching Available volume,
/// waits for its first consumer (WaitForFirstConsumer without a selected node), or is handed to its class's external
/// provisioner; a volume follows its claim, and is Released when the claim is gone.
/// </summary>
internal static class VolumeBinder
{
    /// <summary>Decides for <paramref name="claim"/>.</summary>
    public static ClaimAction SyncClaim(V1PersistentVolumeClaim claim, IEnumerable<V1PersistentVolume> volumes, Func<string, V1StorageClass?> classes)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var annotations = claim.Metadata.Annotations;
        var volumeList = volumes as IReadOnlyCollection<V1PersistentVolume> ?? volumes.ToList();
        if (annotations?.ContainsKey(VolumeAnnotations.BindCompleted) == true)
        {
            return SyncBoundClaim(claim, volumeList);
        }

        var volumeName = claim.Spec?.VolumeName;
        if (!string.IsNullOrEmpty(volumeName))
        {
            var named = volumeList.FirstOrDefault(v => v.Metadata.Name == volumeName);
            if (named is null)
            {
                return new ClaimAction(Phase: Pending(claim));
            }

            if (named.Spec?.ClaimRef is null || VolumeMatcher.IsBoundTo(named, claim))
            {
                return new ClaimAction(BindTo: named);
            }

            return new ClaimAction(Phase: Pending(claim), Event: ("Warning", "FailedBinding", $"volume \"{volumeName}\" already bound to a different claim."));
        }

        var className = VolumeMatcher.ClaimClass(claim);
        var storageClass = className.Length == 0 ? null : classes(className);
        var delay = storageClass?.VolumeBindingMode == "WaitForFirstConsumer"
            && annotations?.ContainsKey(VolumeAnnotations.SelectedNode) != true;

        // With delayed binding only a volume pre-bound to this claim is taken here; the scheduler picks the others.
        var match = delay
            ? volumeList.FirstOrDefault(v => VolumeMatcher.IsBoundTo(v, claim))
            : VolumeMatcher.FindMatch(claim, volumeList);
        if (match is not null)
        {
            return new ClaimAction(BindTo: match);
        }

        if (delay)
        {
            return new ClaimAction(Phase: Pending(claim), Event: ("Normal", "WaitForFirstConsumer", "waiting for first consumer to be created before binding"));
        }

        if (storageClass is { Provisioner: { Length: > 0 } provisioner } && provisioner != "kubernetes.io/no-provisioner")
        {
            var already = annotations?.TryGetValue(VolumeAnnotations.StorageProvisioner, out var p) == true && p == provisioner;
            return new ClaimAction(ProvisionWith: already ? null : provisioner, Phase: Pending(claim),
                Event: ("Normal", "ExternalProvisioning", VolumeAnnotations.ExternalProvisioningMessage(provisioner)));
        }

        var message = className.Length == 0
            ? "no persistent volumes available for this claim and no storage class is set"
            : storageClass is null ? $"storageclass.storage.k8s.io \"{className}\" not found" : "no volume plugin matched name: " + storageClass.Provisioner;
        return new ClaimAction(Phase: Pending(claim), Event: (storageClass is null && className.Length > 0 ? "Warning" : "Normal", "FailedBinding", message));
    }

    /// <summary>Decides for <paramref name="volume"/>; <paramref name="claimOf"/> looks a claim up by namespace and name.</summary>
    public static VolumeAction SyncVolume(V1PersistentVolume volume, Func<string, string, V1PersistentVolumeClaim?> claimOf)
    {
        ArgumentNullException.ThrowIfNull(volume);
        ArgumentNullException.ThrowIfNull(claimOf);
        var phase = volume.Status?.Phase;
        var reference = volume.Spec?.ClaimRef;
        if (reference is null || string.IsNullOrEmpty(reference.Uid))
        {
            // Unbound, or pre-bound to a claim that has not bound yet.
            return phase == "Available" ? VolumeAction.None : new VolumeAction(Phase: "Available");
        }

        var claim = claimOf(reference.NamespaceProperty, reference.Name);
        if (claim is null || claim.Metadata.Uid != reference.Uid)
        {
            return phase is "Released" or "Failed" ? VolumeAction.None : new VolumeAction(Phase: "Released");
        }

        if (string.IsNullOrEmpty(claim.Spec?.VolumeName))
        {
            // The claim has not caught up yet; its own sync finishes the binding.
            return VolumeAction.None;
        }

        if (claim.Spec.VolumeName == volume.Metadata.Name)
        {
            return phase == "Bound" ? VolumeAction.None : new VolumeAction(Phase: "Bound");
        }

        // The claim is bound to another volume: release a binding the controller made.
        return volume.Metadata.Annotations?.ContainsKey(VolumeAnnotations.BoundByController) == true
            ? new VolumeAction(Phase: "Available", Unbind: true)
            : VolumeAction.None;
    }

    /// <summary>The volume after pointing its claimRef at <paramref name="claim"/> (phase Bound).</summary>
    public static V1PersistentVolume BindVolume(V1PersistentVolume volume, V1PersistentVolumeClaim claim)
    {
        var preBound = VolumeMatcher.IsBoundTo(volume, claim);
        volume.Spec.ClaimRef = new V1ObjectReference
        {
            Kind = "PersistentVolumeClaim", ApiVersion = "v1", NamespaceProperty = claim.Metadata.NamespaceProperty, Name = claim.Metadata.Name,
            Uid = claim.Metadata.Uid, ResourceVersion = claim.Metadata.ResourceVersion,
        };
        if (!preBound)
        {
            (volume.Metadata.Annotations ??= new Dictionary<string, string>())[VolumeAnnotations.BoundByController] = "yes";
        }

        return volume;
    }

    /// <summary>The claim after naming <paramref name="volume"/> and marking the binding complete.</summary>
    public static V1PersistentVolumeClaim BindClaim(V1PersistentVolumeClaim claim, V1PersistentVolume volume)
    {
        var annotations = claim.Metadata.Annotations ??= new Dictionary<string, string>();
        if (string.IsNullOrEmpty(claim.Spec.VolumeName))
        {
            claim.Spec.VolumeName = volume.Metadata.Name;
            annotations[VolumeAnnotations.BoundByController] = "yes";
        }

        annotations[VolumeAnnotations.BindCompleted] = "yes";
        return claim;
    }

    /// <summary>The Bound status of a claim on <paramref name="volume"/>: its access modes and capacity.</summary>
    public static V1PersistentVolumeClaimStatus BoundStatus(V1PersistentVolumeClaim claim, V1PersistentVolume volume) => new()
    {
        Phase = "Bound",
        AccessModes = volume.Spec?.AccessModes,
        Capacity = volume.Spec?.Capacity,
        Conditions = claim.Status?.Conditions,
    };

    private static ClaimAction SyncBoundClaim(V1PersistentVolumeClaim claim, IReadOnlyCollection<V1PersistentVolume> volumes)
    {
        var volume = volumes.FirstOrDefault(v => v.Metadata.Name == claim.Spec?.VolumeName);
        if (string.IsNullOrEmpty(claim.Spec?.VolumeName) || volume is null)
        {
            return claim.Status?.Phase == "Lost" ? ClaimAction.None
                : new ClaimAction(Phase: "Lost", Event: ("Warning", "ClaimLost", "Bound claim has lost reference to PersistentVolume. Data on the volume is lost!"));
        }

        if (volume.Spec?.ClaimRef is null || VolumeMatcher.IsBoundTo(volume, claim))
        {
            return claim.Status?.Phase == "Bound" && volume.Spec?.ClaimRef is not null ? ClaimAction.None : new ClaimAction(BindTo: volume);
        }

        return claim.Status?.Phase == "Lost" ? ClaimAction.None
            : new ClaimAction(Phase: "Lost", Event: ("Warning", "ClaimMisbound", "Two claims are bound to the same volume, this one is bound incorrectly"));
    }

    private static string? Pending(V1PersistentVolumeClaim claim) => claim.Status?.Phase == "Pending" ? null : "Pending";
}
