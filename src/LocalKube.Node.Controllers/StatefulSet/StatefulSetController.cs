using k8s;
using k8s.Models;
using LocalKube.Node.Client.Cache;
using LocalKube.Node.Client.Clients;
using LocalKube.Node.Client.Controllers;
using LocalKube.Node.Client.Helpers;
using LocalKube.Node.Client.Informers;
using LocalKube.Node.Controllers.Shared;
using LocalKube.Node.Machinery.Labels;

namespace LocalKube.Node.Controllers.StatefulSet;

/// <summary>
/// The StatefulSet controller (<c>statefulset-controller</c>): ordinal pods with their claims and revisions, as
/// <see cref="StatefulSetSync"/> decides. Claims are created here and bound by the volume binder.
/// </summary>
public sealed class StatefulSetController : ControllerService
{
    /// <summary>The controller's name.</summary>
    public const string ControllerName = "statefulset-controller";

    private readonly ISharedInformer<V1StatefulSet> _sets;
    private readonly ISharedInformer<V1Pod> _pods;
    private readonly ISharedInformer<V1ControllerRevision> _revisions;
    private readonly ISharedInformer<V1PersistentVolumeClaim> _claims;
    private readonly RecorderEventSink _events;

    /// <summary>Creates the controller and registers its handlers.</summary>
    public StatefulSetController(ControllerContext context)
        : base(context)
    {
        Workers = 5;
        _events = new RecorderEventSink(Recorder);
        _sets = Watch<V1StatefulSet>(enqueue: true);
        _pods = Watch<V1Pod>();
        _revisions = Watch<V1ControllerRevision>();
        _claims = Watch<V1PersistentVolumeClaim>();
        PodIndexes.AddOrphanIndex(_pods);
        _pods.AddEventHandler(new ResourceEventHandler<V1Pod>((p, _) => OnPod(p), (old, p) => OnPodUpdate(old, p), (p, _) => OnPod(p)));
        _revisions.AddEventHandler(ResourceEventHandler<V1ControllerRevision>.ForAll(r =>
        {
            if (OwnerLookup.ControllerOf(_sets.Lister, r, "StatefulSet") is { } set)
            {
                Enqueue(set);
            }
        }));
    }

    /// <inheritdoc />
    protected override async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        var (ns, name) = ObjectKeys.Split(key);
        var cached = _sets.Lister.Get(ns, name);
        if (cached is null)
        {
            return ReconcileResult.Done;
        }

        var set = KubeJson.Clone(cached);
        var selector = LabelSelector.FromLabelSelector(set.Spec?.Selector);
        var manager = new ControllerRefManager(set, selector, ct => CanAdoptAsync(set, ct));
        var candidates = _pods.Lister.ByOwner(set.Metadata.Uid)
            .Concat(_pods.Lister.ByIndex(PodIndexes.Orphans, ns ?? ""))
            .Where(p => StatefulPods.IsMemberOf(set, p))
            .Distinct();
        var pods = await manager.ClaimAsync(candidates, new ResourceClient<V1Pod>(Client), cancellationToken);
        var revisions = await manager.ClaimAsync(_revisions.Lister.List(ns!), new ResourceClient<V1ControllerRevision>(Client), cancellationToken);
        var api = new StatefulSetApi(Client, _events, (n, claim) => _claims.Lister.Get(n, claim));
        var after = await new StatefulSetSync(api, Time).SyncAsync(set, pods.ToList(), revisions.ToList(), cancellationToken);
        return after is { } delay ? ReconcileResult.RequeueAfter(delay) : ReconcileResult.Done;
    }

    private async Task<bool> CanAdoptAsync(V1StatefulSet set, CancellationToken ct)
    {
        var fresh = await Client.AppsV1.ReadNamespacedStatefulSetAsync(set.Metadata.Name, set.Metadata.NamespaceProperty, cancellationToken: ct);
        return fresh.Metadata.Uid == set.Metadata.Uid && fresh.Metadata.DeletionTimestamp is null;
    }

    private void OnPod(V1Pod pod)
    {
        if (OwnerLookup.ControllerOf(_sets.Lister, pod, "StatefulSet") is { } set)
        {
            Enqueue(set);
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

        if (ControllerRefs.Of(old.Metadata)?.Uid != ControllerRefs.Of(pod.Metadata)?.Uid)
        {
            OnPod(old);
        }

        OnPod(pod);
    }
}
