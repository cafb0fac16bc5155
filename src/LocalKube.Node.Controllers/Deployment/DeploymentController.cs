using k8s;
using k8s.Models;
using LocalKube.Node.Client.Cache;
using LocalKube.Node.Client.Clients;
using LocalKube.Node.Client.Controllers;
using LocalKube.Node.Client.Helpers;
using LocalKube.Node.Client.Informers;
using LocalKube.Node.Controllers.Shared;
using LocalKube.Node.Machinery.Labels;

namespace LocalKube.Node.Controllers.Deployment;

/// <summary>
/// The Deployment controller (<c>deployment-controller</c>): keeps each Deployment's ReplicaSets rolled out as
/// <see cref="DeploymentSync"/> decides, from the shared caches of Deployments, ReplicaSets and pods.
/// </summary>
public sealed class DeploymentController : ControllerService
{
    /// <summary>The controller's name (service account and event reporter).</summary>
    public const string ControllerName = "deployment-controller";

    private readonly ISharedInformer<V1Deployment> _deployments;
    private readonly ISharedInformer<V1ReplicaSet> _replicaSets;
    private readonly ISharedInformer<V1Pod> _pods;
    private readonly RecorderEventSink _events;

    /// <summary>Creates the controller and registers its handlers.</summary>
    public DeploymentController(ControllerContext context)
        : base(context)
    {
        Workers = 5;
        _events = new RecorderEventSink(Recorder);
        _deployments = Watch<V1Deployment>(enqueue: true);
        _replicaSets = Watch<V1ReplicaSet>();
        _pods = Watch<V1Pod>();
        _replicaSets.AddEventHandler(new ResourceEventHandler<V1ReplicaSet>(
            (rs, _) => OnReplicaSet(rs),
            (old, rs) => OnReplicaSetUpdate(old, rs),
            (rs, _) => OnReplicaSet(rs)));
        _pods.AddEventHandler(new ResourceEventHandler<V1Pod>(onDelete: (pod, _) => OnPodDeleted(pod)));
    }

    /// <inheritdoc />
    protected override async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        var (ns, name) = ObjectKeys.Split(key);
        var cached = _deployments.Lister.Get(ns, name);
        if (cached is null)
        {
            return ReconcileResult.Done;
        }

        var d = KubeJson.Clone(cached);
        var selector = LabelSelector.FromLabelSelector(d.Spec?.Selector);
        var candidates = _replicaSets.Lister.List(ns!);
        var manager = new ControllerRefManager(d, selector, ct => CanAdoptAsync(d, ct));
        var owned = await manager.ClaimAsync(candidates, new ResourceClient<V1ReplicaSet>(Client), cancellationToken);
        var pods = PodsByReplicaSet(d, selector, owned);
        var api = new DeploymentApi(Client, _events, (n, rsName) => _replicaSets.Lister.Get(n, rsName), cached);
        var after = await new DeploymentSync(api, Time).SyncAsync(d, owned.ToList(), pods, cancellationToken);
        return after is { } delay ? ReconcileResult.RequeueAfter(delay) : ReconcileResult.Done;
    }

    // Recreate waits on old pods: their ReplicaSet's uid → pods (only Recreate needs the map).
    private Dictionary<string, List<V1Pod>> PodsByReplicaSet(V1Deployment d, LabelSelector selector, IReadOnlyList<V1ReplicaSet> owned)
    {
        var map = owned.ToDictionary(rs => rs.Metadata.Uid, _ => new List<V1Pod>(), StringComparer.Ordinal);
        if (d.Spec?.Strategy?.Type != RolloutMath.Recreate)
        {
            return map;
        }

        foreach (var rs in owned)
        {
            map[rs.Metadata.Uid].AddRange(_pods.Lister.ByOwner(rs.Metadata.Uid).Where(p => selector.Matches(p.Metadata.Labels)));
        }

        return map;
    }

    // Adoption only after an uncached read proves this is still the same, live Deployment.
    private async Task<bool> CanAdoptAsync(V1Deployment d, CancellationToken ct)
    {
        var fresh = await Client.AppsV1.ReadNamespacedDeploymentAsync(d.Metadata.Name, d.Metadata.NamespaceProperty, cancellationToken: ct);
        return fresh.Metadata.Uid == d.Metadata.Uid && fresh.Metadata.DeletionTimestamp is null;
    }

    private void OnReplicaSet(V1ReplicaSet rs)
    {
        if (OwnerLookup.ControllerOf(_deployments.Lister, rs, DeploymentSync.Kind) is { } owner)
        {
            Enqueue(owner);
            return;
        }

        if (ControllerRefs.Of(rs.Metadata) is null)
        {
            foreach (var d in OwnerLookup.Matching(_deployments.Lister, rs, x => LabelSelector.FromLabelSelector(x.Spec?.Selector)))
            {
                Enqueue(d);
            }
        }
    }

    private void OnReplicaSetUpdate(V1ReplicaSet old, V1ReplicaSet rs)
    {
        if (old.Metadata.ResourceVersion == rs.Metadata.ResourceVersion)
        {
            return;
        }

        var oldRef = ControllerRefs.Of(old.Metadata);
        var newRef = ControllerRefs.Of(rs.Metadata);
        if (oldRef is not null && oldRef.Uid != newRef?.Uid && OwnerLookup.ControllerOf(_deployments.Lister, old, DeploymentSync.Kind) is { } previous)
        {
            Enqueue(previous);
        }

        OnReplicaSet(rs);
    }

    // A deleted pod can let a Recreate rollout go on.
    private void OnPodDeleted(V1Pod pod)
    {
        if (OwnerLookup.ControllerOf(_replicaSets.Lister, pod, "ReplicaSet") is { } rs
            && OwnerLookup.ControllerOf(_deployments.Lister, rs, DeploymentSync.Kind) is { Spec.Strategy.Type: RolloutMath.Recreate } d)
        {
            Enqueue(d);
        }
    }
}
