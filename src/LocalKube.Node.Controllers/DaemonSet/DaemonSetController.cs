using k8s;
using k8s.Models;
using LocalKube.Node.Client.Cache;
using LocalKube.Node.Client.Clients;
using LocalKube.Node.Client.Controllers;
using LocalKube.Node.Client.Helpers;
using LocalKube.Node.Client.Informers;
using LocalKube.Node.Controllers.Shared;
using LocalKube.Node.Machinery.Labels;

namespace LocalKube.Node.Controllers.DaemonSet;

/// <summary>
/// The DaemonSet controller (<c>daemon-set-controller</c>): one pod per eligible node, pinned for the scheduler,
/// as <see cref="DaemonSetSync"/> decides; node changes re-evaluate every DaemonSet.
/// </summary>
public sealed class DaemonSetController : ControllerService
{
    /// <summary>The controller's name.</summary>
    public const string ControllerName = "daemon-set-controller";

    private readonly ISharedInformer<V1DaemonSet> _sets;
    private readonly ISharedInformer<V1Pod> _pods;
    private readonly ISharedInformer<V1ControllerRevision> _revisions;
    private readonly ISharedInformer<V1Node> _nodes;
    private readonly RecorderEventSink _events;
    private readonly PodExpectations _expectations;
    private readonly FailedPodBackoff _failedPods;

    /// <summary>Creates the controller and registers its handlers.</summary>
    public DaemonSetController(ControllerContext context)
        : base(context)
    {
        Workers = 2;
        _events = new RecorderEventSink(Recorder);
        _expectations = new PodExpectations(Time);
        _failedPods = new FailedPodBackoff(Time);
        _sets = Watch<V1DaemonSet>(enqueue: true);
        _pods = Watch<V1Pod>();
        _revisions = Watch<V1ControllerRevision>();
        _nodes = Watch<V1Node>();
        PodIndexes.AddOrphanIndex(_pods);
        _pods.AddEventHandler(new ResourceEventHandler<V1Pod>((p, _) => OnPodAdd(p), OnPodUpdate, (p, _) => OnPodDelete(p)));
        _revisions.AddEventHandler(ResourceEventHandler<V1ControllerRevision>.ForAll(r =>
        {
            if (OwnerLookup.ControllerOf(_sets.Lister, r, "DaemonSet") is { } ds)
            {
                Enqueue(ds);
            }
        }));
        _nodes.AddEventHandler(new ResourceEventHandler<V1Node>((_, _) => EnqueueAll(), OnNodeUpdate, (_, _) => EnqueueAll()));
    }

    /// <inheritdoc />
    protected override async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        var (ns, name) = ObjectKeys.Split(key);
        var cached = _sets.Lister.Get(ns, name);
        if (cached is null)
        {
            _expectations.Delete(key);
            return ReconcileResult.Done;
        }

        var ds = KubeJson.Clone(cached);
        var selector = LabelSelector.FromLabelSelector(ds.Spec?.Selector);
        var manager = new ControllerRefManager(ds, selector, ct => CanAdoptAsync(ds, ct));
        var candidates = _pods.Lister.ByOwner(ds.Metadata.Uid).Concat(_pods.Lister.ByIndex(PodIndexes.Orphans, ns ?? "")).Distinct();
        var pods = await manager.ClaimAsync(candidates, new ResourceClient<V1Pod>(Client), cancellationToken);
        var revisions = await manager.ClaimAsync(_revisions.Lister.List(ns!), new ResourceClient<V1ControllerRevision>(Client), cancellationToken);
        var api = new DaemonSetApi(Client, _events, _expectations, key);
        _failedPods.Prune();
        var after = await new DaemonSetSync(api, _failedPods, Time).SyncAsync(ds, _nodes.Lister.List(), pods.ToList(), revisions.ToList(), cancellationToken);
        return after is { } delay ? ReconcileResult.RequeueAfter(delay) : ReconcileResult.Done;
    }

    private async Task<bool> CanAdoptAsync(V1DaemonSet ds, CancellationToken ct)
    {
        var fresh = await Client.AppsV1.ReadNamespacedDaemonSetAsync(ds.Metadata.Name, ds.Metadata.NamespaceProperty, cancellationToken: ct);
        return fresh.Metadata.Uid == ds.Metadata.Uid && fresh.Metadata.DeletionTimestamp is null;
    }

    private void EnqueueAll()
    {
        foreach (var ds in _sets.Lister.List())
        {
            Enqueue(ds);
        }
    }

    // Only what can change a node's eligibility or a daemon pod's readiness matters.
    private void OnNodeUpdate(V1Node old, V1Node node)
    {
        if (!SemanticEquality.Equal(old.Metadata.Labels ?? new Dictionary<string, string>(), node.Metadata.Labels ?? new Dictionary<string, string>())
            || !SemanticEquality.Equal(old.Spec?.Taints ?? [], node.Spec?.Taints ?? [])
            || old.Spec?.Unschedulable != node.Spec?.Unschedulable)
        {
            EnqueueAll();
        }
    }

    private void OnPodAdd(V1Pod pod)
    {
        if (pod.Metadata.DeletionTimestamp is not null)
        {
            OnPodDelete(pod);
            return;
        }

        if (OwnerLookup.ControllerOf(_sets.Lister, pod, "DaemonSet") is { } ds)
        {
            _expectations.CreationObserved(ObjectKeys.KeyOf(ds));
            Enqueue(ds);
        }
        else if (ControllerRefs.Of(pod.Metadata) is null)
        {
            foreach (var s in OwnerLookup.Matching(_sets.Lister, pod, x => LabelSelector.FromLabelSelector(x.Spec?.Selector)))
            {
                Enqueue(s);
            }
        }
    }

    private void OnPodUpdate(V1Pod old, V1Pod pod)
    {
        if (old.Metadata.ResourceVersion == pod.Metadata.ResourceVersion)
        {
            return;
        }

        if (pod.Metadata.DeletionTimestamp is not null)
        {
            OnPodDelete(pod);
            return;
        }

        if (ControllerRefs.Of(old.Metadata)?.Uid != ControllerRefs.Of(pod.Metadata)?.Uid && OwnerLookup.ControllerOf(_sets.Lister, old, "DaemonSet") is { } previous)
        {
            Enqueue(previous);
        }

        if (OwnerLookup.ControllerOf(_sets.Lister, pod, "DaemonSet") is { } ds)
        {
            Enqueue(ds);
            var minReady = ds.Spec?.MinReadySeconds ?? 0;
            if (minReady > 0 && !PodState.IsReady(old) && PodState.IsReady(pod))
            {
                EnqueueAfter(ds, TimeSpan.FromSeconds(minReady));
            }
        }
    }

    private void OnPodDelete(V1Pod pod)
    {
        if (OwnerLookup.ControllerOf(_sets.Lister, pod, "DaemonSet") is { } ds)
        {
            _expectations.DeletionObserved(ObjectKeys.KeyOf(ds), ReplicaSet.ReplicaSetSync.Key(pod));
            Enqueue(ds);
        }
    }
}
