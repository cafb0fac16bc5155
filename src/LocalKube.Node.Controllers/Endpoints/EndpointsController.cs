using k8s;
using k8s.Models;
using LocalKube.Node.Client.Clients;
using LocalKube.Node.Client.Controllers;
using LocalKube.Node.Client.Events;
using LocalKube.Node.Client.Informers;
using LocalKube.Node.Machinery.Labels;

namespace LocalKube.Node.Controllers.Endpoints;

/// <summary>
/// The Endpoints controller (k/k <c>pkg/controller/endpoint</c>, <c>endpoint-controller</c>): keeps one Endpoints
/// object per Service with a selector, named like it, listing the selected pods (see <see cref="EndpointsBuilder"/>);
/// deletes it with the Service. Services without a selector keep the Endpoints their users write.
/// </summary>
public sealed class EndpointsController : ControllerService
{
    /// <summary>Upstream's name: the service account and event reporter.</summary>
    public const string ControllerName = "endpoint-controller";

    private readonly ISharedInformer<V1Service> _services;
    private readonly ISharedInformer<V1Pod> _pods;
    private readonly ISharedInformer<V1Endpoints> _endpoints;
    private readonly TriggerTimeTracker _triggers = new();

    /// <summary>Creates the controller.</summary>
    public EndpointsController(ControllerContext context)
        : base(context)
    {
        Workers = 5;
        _services = Watch<V1Service>(enqueue: true);
        _pods = Watch<V1Pod>();
        _endpoints = Watch<V1Endpoints>();
        _pods.AddEventHandler(new ResourceEventHandler<V1Pod>(
            (p, _) => EnqueueServices(null, p),
            (o, n) => EnqueueServices(o, n),
            (p, _) => EnqueueServices(null, p)));

        // Someone changed or deleted the Endpoints: put them back.
        _endpoints.AddEventHandler(new ResourceEventHandler<V1Endpoints>(
            onUpdate: (_, e) => Queue.Add(e.Metadata.NamespaceProperty + "/" + e.Metadata.Name),
            onDelete: (e, _) => Queue.Add(e.Metadata.NamespaceProperty + "/" + e.Metadata.Name)));
    }

    /// <inheritdoc />
    protected override async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var (ns, name) = (key[..slash], key[(slash + 1)..]);
        var service = _services.Lister.Get(ns, name);
        if (service is null)
        {
            _triggers.Forget(key);
            await DeleteIgnoringMissingAsync(ns, name, cancellationToken);
            return ReconcileResult.Done;
        }

        if (!EndpointPods.HasSelector(service))
        {
            return ReconcileResult.Done;
        }

        var pods = _pods.Lister.List(ns, LabelSelector.FromSet(service.Spec.Selector));
        var trigger = _triggers.Compute(service, pods);
        var current = _endpoints.Lister.Get(ns, name);
        var desired = EndpointsBuilder.Desired(service, pods, current, trigger);
        if (desired is null)
        {
            return ReconcileResult.Done;
        }

        try
        {
            if (current is null)
            {
                await Client.CoreV1.CreateNamespacedEndpointsAsync(desired, ns, cancellationToken: cancellationToken);
            }
            else
            {
                await Client.CoreV1.ReplaceNamespacedEndpointsAsync(desired, name, ns, cancellationToken: cancellationToken);
            }
        }
        catch (Exception e) when (KubeErrors.IsAlreadyExists(e) || KubeErrors.IsConflict(e))
        {
            // The cache is behind: the next sync sees the stored object.
            return ReconcileResult.RequeueWithBackoff;
        }
        catch (Exception e) when (KubeErrors.StatusCode(e) is not null && !KubeErrors.IsNotFound(e))
        {
            var (reason, verb) = current is null ? ("FailedToCreateEndpoint", "create") : ("FailedToUpdateEndpoint", "update");
            Recorder.Eventf(service, null, EventTypes.Warning, reason, verb == "create" ? "Create" : "Update", $"Failed to {verb} endpoint {ns}/{name}: {e.Message}");
            throw;
        }

        return ReconcileResult.Done;
    }

    private void EnqueueServices(V1Pod? oldPod, V1Pod newPod)
    {
        foreach (var key in ServicePodIndex.ServicesFor(_services.Lister, oldPod, newPod))
        {
            Queue.Add(key);
        }
    }

    private async Task DeleteIgnoringMissingAsync(string ns, string name, CancellationToken cancellationToken)
    {
        if (_endpoints.Lister.Get(ns, name) is null)
        {
            return;
        }

        try
        {
            await Client.CoreV1.DeleteNamespacedEndpointsAsync(name, ns, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (KubeErrors.IsNotFound(e))
        {
            // Gone already.
        }
    }
}
