using k8s;
using k8s.Models;
using LocalKube.Node.Client.Clients;
using LocalKube.Node.Client.Controllers;
using LocalKube.Node.Client.Events;
using LocalKube.Node.Client.Informers;
using LocalKube.Node.Controllers.Endpoints;
using LocalKube.Node.Machinery.Labels;

namespace LocalKube.Node.Controllers.EndpointSlices;

/// <summary>
/// The EndpointSlice controller (k/k <c>pkg/controller/endpointslice</c>, <c>endpointslice-controller</c>): the
/// IPv4 EndpointSlices of every Service with a selector (see <see cref="EndpointSliceReconciler"/>), owned by the
/// Service so the garbage collector removes them with it. Slices managed by anyone else are never touched.
/// </summary>
public sealed class EndpointSliceController : ControllerService
{
    /// <summary>Upstream's name: the service account and event reporter.</summary>
    public const string ControllerName = "endpointslice-controller";

    private const string ServiceIndex = "endpointslice-controller/service";
    private static readonly TimeSpan StaleRetry = TimeSpan.FromMilliseconds(100);
    private readonly ISharedInformer<V1Service> _services;
    private readonly ISharedInformer<V1Pod> _pods;
    private readonly ISharedInformer<V1Node> _nodes;
    private readonly ISharedInformer<V1EndpointSlice> _slices;
    private readonly TriggerTimeTracker _triggers = new();
    private readonly SliceTracker _written = new();

    /// <summary>Creates the controller.</summary>
    public EndpointSliceController(ControllerContext context)
        : base(context)
    {
        Workers = 5;
        _services = Watch<V1Service>(enqueue: true);
        _pods = Watch<V1Pod>();
        _nodes = Watch<V1Node>();
        _slices = Watch<V1EndpointSlice>();
        _slices.AddIndexer(ServiceIndex, s => Managed(s) && s.Metadata.Labels!.TryGetValue(EndpointSliceReconciler.ServiceNameLabel, out var svc)
            ? [s.Metadata.NamespaceProperty + "/" + svc]
            : []);
        _pods.AddEventHandler(new ResourceEventHandler<V1Pod>(
            (p, _) => EnqueueServices(null, p),
            (o, n) => EnqueueServices(o, n),
            (p, _) => EnqueueServices(null, p)));
        _slices.AddEventHandler(ResourceEventHandler<V1EndpointSlice>.ForAll(s =>
        {
            if (Managed(s) && s.Metadata.Labels!.TryGetValue(EndpointSliceReconciler.ServiceNameLabel, out var svc))
            {
                Queue.Add(s.Metadata.NamespaceProperty + "/" + svc);
            }
        }));
    }

    /// <inheritdoc />
    protected override async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var (ns, name) = (key[..slash], key[(slash + 1)..]);
        var service = _services.Lister.Get(ns, name);
        if (service is null)
        {
            // Its slices are the garbage collector's: they are owned by the Service.
            _triggers.Forget(key);
            _written.Forget(key);
            return ReconcileResult.Done;
        }

        if (!EndpointPods.HasSelector(service) || service.Spec.Type == "ExternalName" || service.Metadata.DeletionTimestamp is not null)
        {
            return ReconcileResult.Done;
        }

        var existing = _slices.Lister.ByIndex(ServiceIndex, key);
        if (_written.IsStale(key, existing))
        {
            return ReconcileResult.RequeueAfter(StaleRetry);
        }

        var pods = _pods.Lister.List(ns, LabelSelector.FromSet(service.Spec.Selector));
        var trigger = _triggers.Compute(service, pods);
        var plan = EndpointSliceReconciler.Reconcile(service, pods, n => _nodes.Lister.Get(null, n), existing, trigger);
        try
        {
            foreach (var slice in plan.Create)
            {
                _written.Written(key, await Client.DiscoveryV1.CreateNamespacedEndpointSliceAsync(slice, ns, cancellationToken: cancellationToken));
            }

            foreach (var slice in plan.Update)
            {
                _written.Written(key, await Client.DiscoveryV1.ReplaceNamespacedEndpointSliceAsync(slice, slice.Metadata.Name, ns, cancellationToken: cancellationToken));
            }

            foreach (var slice in plan.Delete)
            {
                try
                {
                    await Client.DiscoveryV1.DeleteNamespacedEndpointSliceAsync(slice.Metadata.Name, ns, cancellationToken: cancellationToken);
                }
                catch (Exception e) when (KubeErrors.IsNotFound(e))
                {
                    // Gone already.
                }

                _written.Removed(key, slice);
            }
        }
        catch (Exception e) when (KubeErrors.StatusCode(e) is not null && !KubeErrors.IsConflict(e) && !KubeErrors.IsAlreadyExists(e))
        {
            Recorder.Eventf(service, null, EventTypes.Warning, "FailedToUpdateEndpointSlices", "Update",
                $"Error updating Endpoint Slices for Service {ns}/{name}: {e.Message}");
            throw;
        }

        return ReconcileResult.Done;
    }

    private static bool Managed(V1EndpointSlice slice) =>
        slice.Metadata?.Labels is { } labels
        && labels.TryGetValue(EndpointSliceReconciler.ManagedByLabel, out var by) && by == EndpointSliceReconciler.ControllerName;

    private void EnqueueServices(V1Pod? oldPod, V1Pod newPod)
    {
        foreach (var key in ServicePodIndex.ServicesFor(_services.Lister, oldPod, newPod))
        {
            Queue.Add(key);
        }
    }
}
