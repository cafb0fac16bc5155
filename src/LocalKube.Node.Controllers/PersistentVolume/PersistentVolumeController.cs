using k8s;
using k8s.Models;
using LocalKube.Node.Client.Cache;
using LocalKube.Node.Client.Clients;
using LocalKube.Node.Client.Controllers;
using LocalKube.Node.Client.Informers;
using LocalKube.Node.Controllers.Shared;
using LocalKube.Node.Machinery.Volumes;

namespace LocalKube.Node.Controllers.PersistentVolume;

/// <summary>
/// Upstream's PersistentVolume controller (<c>persistent-volume-binder</c>, k/k
/// <c>pkg/controller/volume/persistentvolume</c>) on <see cref="VolumeBinder"/>'s decisions: binds claims to
/// matching or pre-bound volumes (the volume's claimRef first, then the claim's volumeName, then both statuses),
/// hands claims of a provisioning class to their provisioner (the <c>storage-provisioner</c> annotations), leaves
/// WaitForFirstConsumer claims Pending until the scheduler selects a node, and moves volumes through Available,
/// Bound and Released. Released volumes keep their data (Retain) or are removed by their provisioner (Delete).
/// </summary>
public sealed class PersistentVolumeController : ControllerService
{
    /// <summary>Upstream's name: the service account and event reporter.</summary>
    public const string ControllerName = "persistent-volume-binder";

    private const string ClaimPrefix = "claim:";
    private const string VolumePrefix = "volume:";

    private readonly ILister<V1PersistentVolumeClaim> _claims;
    private readonly ILister<V1PersistentVolume> _volumes;
    private readonly ILister<V1StorageClass> _classes;

    /// <summary>Creates the controller.</summary>
    public PersistentVolumeController(ControllerContext context)
        : base(context)
    {
        var claims = Watch<V1PersistentVolumeClaim>();
        claims.AddEventHandler(new ResourceEventHandler<V1PersistentVolumeClaim>(
            onAdd: (c, _) => Queue.Add(ClaimPrefix + ObjectKeys.KeyOf(c)),
            onUpdate: (_, c) => Queue.Add(ClaimPrefix + ObjectKeys.KeyOf(c)),
            onDelete: (c, _) => EnqueueVolumesOf(c)));
        _claims = claims.Lister;
        var volumes = Watch<V1PersistentVolume>();
        volumes.AddEventHandler(new ResourceEventHandler<V1PersistentVolume>(
            onAdd: (v, _) => EnqueueVolumeAndClaims(v),
            onUpdate: (_, v) => EnqueueVolumeAndClaims(v)));
        _volumes = volumes.Lister;
        _classes = Watch<V1StorageClass>().Lister;
    }

    /// <inheritdoc />
    protected override Task<ReconcileResult> ReconcileAsync(string key, CancellationToken cancellationToken) =>
        key.StartsWith(ClaimPrefix, StringComparison.Ordinal)
            ? SyncClaimAsync(key[ClaimPrefix.Length..], cancellationToken)
            : SyncVolumeAsync(key[VolumePrefix.Length..], cancellationToken);

    private void EnqueueVolumeAndClaims(V1PersistentVolume volume)
    {
        Queue.Add(VolumePrefix + volume.Metadata.Name);
        if (volume.Spec?.ClaimRef is { } reference)
        {
            Queue.Add(ClaimPrefix + ObjectKeys.KeyOf(reference.NamespaceProperty, reference.Name));
        }
        else if (volume.Status?.Phase is null or "Available" or "Pending")
        {
            // A new free volume may satisfy a waiting claim.
            foreach (var claim in _claims.List().Where(c => string.IsNullOrEmpty(c.Spec?.VolumeName)))
            {
                Queue.Add(ClaimPrefix + ObjectKeys.KeyOf(claim));
            }
        }
    }

    private void EnqueueVolumesOf(V1PersistentVolumeClaim claim)
    {
        foreach (var volume in _volumes.List().Where(v => v.Spec?.ClaimRef?.Uid == claim.Metadata.Uid))
        {
            Queue.Add(VolumePrefix + volume.Metadata.Name);
        }
    }

    private async Task<ReconcileResult> SyncClaimAsync(string key, CancellationToken cancellationToken)
    {
        if (_claims.GetByKey(key) is not { } cached || cached.Metadata.DeletionTimestamp is not null)
        {
            return ReconcileResult.Done;
        }

        var action = VolumeBinder.SyncClaim(cached, _volumes.List(), name => _classes.Get(null, name));
        var claim = ModelCopy.Clone(cached);
        if (action.Event is { } e)
        {
            Recorder.Eventf(claim, null, e.Type, e.Reason, "Sync", e.Message);
        }

        if (action.BindTo is { } target)
        {
            await BindAsync(claim, ModelCopy.Clone(target), cancellationToken);
            return ReconcileResult.Done;
        }

        if (action.ProvisionWith is { } provisioner)
        {
            var annotations = claim.Metadata.Annotations ??= new Dictionary<string, string>();
            annotations[VolumeAnnotations.StorageProvisioner] = provisioner;
            annotations[VolumeAnnotations.BetaStorageProvisioner] = provisioner;
            claim = await Client.CoreV1.ReplaceNamespacedPersistentVolumeClaimAsync(claim, claim.Metadata.Name, claim.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
        }

        if (action.Phase is { } phase)
        {
            claim.Status ??= new V1PersistentVolumeClaimStatus();
            claim.Status.Phase = phase;
            await Client.CoreV1.ReplaceNamespacedPersistentVolumeClaimStatusAsync(claim, claim.Metadata.Name, claim.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
        }

        return ReconcileResult.Done;
    }

    // Upstream's bind: the volume's claimRef first (the claim may be bound by nobody else meanwhile), then the claim.
    private async Task BindAsync(V1PersistentVolumeClaim claim, V1PersistentVolume volume, CancellationToken cancellationToken)
    {
        if (!VolumeMatcher.IsBoundTo(volume, claim) || volume.Spec.ClaimRef?.Uid != claim.Metadata.Uid)
        {
            volume = await Client.CoreV1.ReplacePersistentVolumeAsync(VolumeBinder.BindVolume(volume, claim), volume.Metadata.Name, cancellationToken: cancellationToken);
        }

        if (volume.Status?.Phase != "Bound")
        {
            volume.Status ??= new V1PersistentVolumeStatus();
            volume.Status.Phase = "Bound";
            volume = await Client.CoreV1.ReplacePersistentVolumeStatusAsync(volume, volume.Metadata.Name, cancellationToken: cancellationToken);
        }

        var annotations = claim.Metadata.Annotations;
        if (claim.Spec.VolumeName != volume.Metadata.Name || annotations?.ContainsKey(VolumeAnnotations.BindCompleted) != true)
        {
            claim = await Client.CoreV1.ReplaceNamespacedPersistentVolumeClaimAsync(
                VolumeBinder.BindClaim(claim, volume), claim.Metadata.Name, claim.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
        }

        if (claim.Status?.Phase != "Bound")
        {
            claim.Status = VolumeBinder.BoundStatus(claim, volume);
            await Client.CoreV1.ReplaceNamespacedPersistentVolumeClaimStatusAsync(claim, claim.Metadata.Name, claim.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
        }
    }

    private async Task<ReconcileResult> SyncVolumeAsync(string name, CancellationToken cancellationToken)
    {
        if (_volumes.Get(null, name) is not { } cached || cached.Metadata.DeletionTimestamp is not null)
        {
            return ReconcileResult.Done;
        }

        var action = VolumeBinder.SyncVolume(cached, (ns, claim) => _claims.Get(ns, claim));
        if (action.Phase is null && !action.Unbind)
        {
            return ReconcileResult.Done;
        }

        var volume = ModelCopy.Clone(cached);
        if (action.Unbind)
        {
            volume.Spec.ClaimRef = null;
            volume.Metadata.Annotations?.Remove(VolumeAnnotations.BoundByController);
            volume = await Client.CoreV1.ReplacePersistentVolumeAsync(volume, name, cancellationToken: cancellationToken);
        }

        if (action.Phase is { } phase && volume.Status?.Phase != phase)
        {
            volume.Status ??= new V1PersistentVolumeStatus();
            volume.Status.Phase = phase;
            try
            {
                await Client.CoreV1.ReplacePersistentVolumeStatusAsync(volume, name, cancellationToken: cancellationToken);
            }
            catch (Exception e) when (KubeErrors.IsNotFound(e))
            {
                // Deleted meanwhile.
            }
        }

        return ReconcileResult.Done;
    }
}
