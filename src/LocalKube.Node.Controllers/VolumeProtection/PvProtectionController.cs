using k8s;
using k8s.Models;
using LocalKube.Node.Client.Cache;
using LocalKube.Node.Client.Controllers;
using LocalKube.Node.Controllers.Shared;

namespace LocalKube.Node.Controllers.VolumeProtection;

/// <summary>
/// Upstream's PV protection controller (<c>pv-protection-controller</c>): a volume being deleted keeps its
/// <c>kubernetes.io/pv-protection</c> finalizer while it is Bound to a claim; then the finalizer goes.
/// </summary>
public sealed class PvProtectionController : ControllerService
{
    /// <summary>Upstream's name: the service account and event reporter.</summary>
    public const string ControllerName = "pv-protection-controller";

    /// <summary>The finalizer the API server adds to every volume.</summary>
    public const string Finalizer = "kubernetes.io/pv-protection";

    private readonly ILister<V1PersistentVolume> _volumes;

    /// <summary>Creates the controller.</summary>
    public PvProtectionController(ControllerContext context)
        : base(context)
    {
        _volumes = Watch<V1PersistentVolume>(enqueue: true).Lister;
    }

    /// <inheritdoc />
    protected override async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        if (_volumes.GetByKey(key) is not { } cached || cached.Metadata.DeletionTimestamp is null
            || cached.Metadata.Finalizers?.Contains(Finalizer) != true || cached.Status?.Phase == "Bound")
        {
            return ReconcileResult.Done;
        }

        var volume = ModelCopy.Clone(cached);
        volume.Metadata.Finalizers = volume.Metadata.Finalizers.Where(f => f != Finalizer).ToList();
        await Client.CoreV1.ReplacePersistentVolumeAsync(volume, volume.Metadata.Name, cancellationToken: cancellationToken);
        return ReconcileResult.Done;
    }
}
