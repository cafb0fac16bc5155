namespace LocalKube.Node.Controllers.PersistentVolume;

/// <summary>The annotations of the PV/PVC binding protocol (k/k <c>pkg/controller/volume/persistentvolume/util</c>).</summary>
internal static class VolumeAnnotations
{
    /// <summary>On a claim: binding finished.</summary>
    public const string BindCompleted = "pv.kubernetes.io/bind-completed";

    /// <summary>On a claim or volume: the controller (not the user) made the binding.</summary>
    public const string BoundByController = "pv.kubernetes.io/bound-by-controller";

    /// <summary>On a claim: the provisioner asked to create its volume.</summary>
    public const string StorageProvisioner = "volume.kubernetes.io/storage-provisioner";

    /// <summary>The beta spelling of <see cref="StorageProvisioner"/>, still written.</summary>
    public const string BetaStorageProvisioner = "volume.beta.kubernetes.io/storage-provisioner";

    /// <summary>On a claim: the node the scheduler chose for a WaitForFirstConsumer claim.</summary>
    public const string SelectedNode = "volume.kubernetes.io/selected-node";

    /// <summary>On a volume: the provisioner that created it.</summary>
    public const string ProvisionedBy = "pv.kubernetes.io/provisioned-by";

    /// <summary>On a volume: the hostPath provisioner instance that created it.</summary>
    public const string ProvisionerIdentity = "hostPathProvisionerIdentity";

    /// <summary>Upstream's text of the ExternalProvisioning event.</summary>
    public static string ExternalProvisioningMessage(string provisioner) =>
        $"Waiting for a volume to be created either by the external provisioner '{provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.";
}
