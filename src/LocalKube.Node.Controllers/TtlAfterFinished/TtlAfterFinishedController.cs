using k8s;
using k8s.Models;
using LocalKube.Node.Client.Cache;
using LocalKube.Node.Client.Clients;
using LocalKube.Node.Client.Controllers;

namespace LocalKube.Node.Controllers.TtlAfterFinished;

/// <summary>
/// Upstream's TTL-after-finished controller (<c>ttl-after-finished-controller</c>): a Job with
/// <c>ttlSecondsAfterFinished</c> is deleted (foreground, so its pods go first) that many seconds after its
/// Complete or Failed condition. The TTL is checked again on a fresh read just before deleting, as upstream, so a
/// user who changed it in time keeps the Job.
/// </summary>
public sealed class TtlAfterFinishedController : ControllerService
{
    /// <summary>Upstream's name: the service account and event reporter.</summary>
    public const string ControllerName = "ttl-after-finished-controller";

    private readonly ILister<V1Job> _jobs;

    /// <summary>Creates the controller.</summary>
    public TtlAfterFinishedController(ControllerContext context)
        : base(context)
    {
        _jobs = Watch<V1Job>(enqueue: true).Lister;
    }

    /// <inheritdoc />
    protected override async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        if (_jobs.GetByKey(key) is not { } cached || TtlExpiry.ExpireAt(cached) is not { } expiry)
        {
            return ReconcileResult.Done;
        }

        var left = DateTime.SpecifyKind(expiry, DateTimeKind.Utc) - Time.GetUtcNow().UtcDateTime;
        if (left > TimeSpan.Zero)
        {
            return ReconcileResult.RequeueAfter(left);
        }

        V1Job fresh;
        try
        {
            fresh = await Client.BatchV1.ReadNamespacedJobAsync(cached.Metadata.Name, cached.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (KubeErrors.IsNotFound(e))
        {
            return ReconcileResult.Done;
        }

        if (TtlExpiry.ExpireAt(fresh) is not { } freshExpiry)
        {
            return ReconcileResult.Done;
        }

        left = DateTime.SpecifyKind(freshExpiry, DateTimeKind.Utc) - Time.GetUtcNow().UtcDateTime;
        if (left > TimeSpan.Zero)
        {
            return ReconcileResult.RequeueAfter(left);
        }

        try
        {
            await Client.BatchV1.DeleteNamespacedJobAsync(
                fresh.Metadata.Name,
                fresh.Metadata.NamespaceProperty,
                new V1DeleteOptions
                {
                    PropagationPolicy = "Foreground",
                    Preconditions = new V1Preconditions { Uid = fresh.Metadata.Uid, ResourceVersion = fresh.Metadata.ResourceVersion },
                },
                cancellationToken: cancellationToken);
        }
        catch (Exception e) when (KubeErrors.IsNotFound(e))
        {
            // Gone already.
        }

        return ReconcileResult.Done;
    }
}
