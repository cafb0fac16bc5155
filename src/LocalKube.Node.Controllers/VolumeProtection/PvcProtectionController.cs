using k8s;
using k8s.Models;
using LocalKube.Node.Client.Cache;
using LocalKube.Node.Client.Controllers;
using LocalKube.Node.Client.Informers;
using LocalKube.Node.Controllers.Shared;

namespace LocalKube.Node.Controllers.VolumeProtection;

/// <summary>
/// Upstream's PVC protection controller (<c>pvc-protection-controller</c>): a claim being deleted keeps its
/// <c>kubernetes.io/pvc-protection</c> finalizer while a pod that has not finished uses it; then the finalizer goes
/// and the claim with it. Before removing it the pods are listed through the API (a live read, as upstream), so a
/// pod the cache has not seen yet still protects the claim.
/// </summary>
public sealed class PvcProtectionController : ControllerService
{
    /// <summary>Upstream's name: the service account and event reporter.</summary>
    public const string ControllerName = "pvc-protection-controller";

    /// <summary>The finalizer the API server adds to every claim.</summary>
    public const string Finalizer = "kubernetes.io/pvc-protection";

    private readonly ILister<V1PersistentVolumeClaim> _claims;

    /// <summary>Creates the controller.</summary>
    public PvcProtectionController(ControllerContext context)
        : base(context)
    {
        _claims = Watch<V1PersistentVolumeClaim>(enqueue: true).Lister;
        Watch<V1Pod>().AddEventHandler(new ResourceEventHandler<V1Pod>(
            onUpdate: (_, p) => EnqueueClaimsOf(p, onlyFinished: true),
            onDelete: (p, _) => EnqueueClaimsOf(p, onlyFinished: false)));
    }

    /// <inheritdoc />
    protected override async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        if (_claims.GetByKey(key) is not { } cached || cached.Metadata.DeletionTimestamp is null || cached.Metadata.Finalizers?.Contains(Finalizer) != true)
        {
            return ReconcileResult.Done;
        }

        var ns = cached.Metadata.NamespaceProperty;
        var pods = await Client.CoreV1.ListNamespacedPodAsync(ns, cancellationToken: cancellationToken);
        if (pods.Items.Any(p => p.Status?.Phase is not ("Succeeded" or "Failed") && Uses(p, cached.Metadata.Name)))
        {
            return ReconcileResult.Done;
        }

        var claim = ModelCopy.Clone(cached);
        claim.Metadata.Finalizers = claim.Metadata.Finalizers.Where(f => f != Finalizer).ToList();
        await Client.CoreV1.ReplaceNamespacedPersistentVolumeClaimAsync(claim, claim.Metadata.Name, ns, cancellationToken: cancellationToken);
        return ReconcileResult.Done;
    }

    private static bool Uses(V1Pod pod, string claim) =>
        pod.Spec?.Volumes?.Any(v => v.PersistentVolumeClaim?.ClaimName == claim
            || (v.Ephemeral is not null && $"{pod.Metadata.Name}-{v.Name}" == claim)) == true;

    private void EnqueueClaimsOf(V1Pod pod, bool onlyFinished)
    {
        if (onlyFinished && pod.Status?.Phase is not ("Succeeded" or "Failed"))
        {
            return;
        }

        foreach (var volume in pod.Spec?.Volumes ?? [])
        {
            var claim = volume.PersistentVolumeClaim?.ClaimName ?? (volume.Ephemeral is not null ? $"{pod.Metadata.Name}-{volume.Name}" : null);
            if (claim is not null)
            {
                Queue.Add(ObjectKeys.KeyOf(pod.Metadata.NamespaceProperty, claim));
            }
        }
    }
}
