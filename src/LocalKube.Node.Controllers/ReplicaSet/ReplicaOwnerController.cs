using k8s;
using k8s.Models;
using LocalKube.Node.Client.Cache;
using LocalKube.Node.Client.Clients;
using LocalKube.Node.Client.Controllers;
using LocalKube.Node.Client.Helpers;
using LocalKube.Node.Client.Informers;
using LocalKube.Node.Controllers.Shared;
using LocalKube.Node.Machinery.Labels;

namespace LocalKube.Node.Controllers.ReplicaSet;

/// <summary>
/// What the ReplicaSet and ReplicationController controllers share (upstream runs one implementation for both):
/// pod events mapped to owners with expectations, claiming by selector, and <see cref="ReplicaSetSync"/>.
/// </summary>
/// <typeparam name="TOwner">V1ReplicaSet or V1ReplicationController.</typeparam>
public abstract class ReplicaOwnerController<TOwner> : ControllerService
    where TOwner : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly ISharedInformer<TOwner> _owners;
    private readonly ISharedInformer<V1Pod> _pods;
    private readonly RecorderEventSink _events;
    private readonly PodExpectations _expectations;

    /// <summary>Creates the controller and registers its handlers.</summary>
    protected ReplicaOwnerController(ControllerContext context)
        : base(context)
    {
        Workers = 5;
        _events = new RecorderEventSink(Recorder);
        _expectations = new PodExpectations(Time);
        _owners = Watch<TOwner>(enqueue: true);
        _pods = Watch<V1Pod>();
        PodIndexes.AddOrphanIndex(_pods);
        _pods.AddEventHandler(new ResourceEventHandler<V1Pod>((p, _) => OnPodAdd(p), OnPodUpdate, (p, _) => OnPodDelete(p)));
    }

    /// <summary>The owner's kind, as written in controller references.</summary>
    protected abstract string Kind { get; }

    /// <summary>The owner's apiVersion.</summary>
    protected abstract string ApiVersion { get; }

    /// <summary>The ReplicaSet view of an owner.</summary>
    protected abstract V1ReplicaSet View(TOwner owner);

    /// <summary>Reads the owner past the cache (adoption check).</summary>
    protected abstract Task<TOwner> ReadAsync(string ns, string name, CancellationToken cancellationToken);

    /// <summary>The owner's pod selector.</summary>
    protected LabelSelector SelectorOf(TOwner owner) => LabelSelector.FromLabelSelector(View(owner).Spec?.Selector);

    /// <inheritdoc />
    protected override async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        var (ns, name) = ObjectKeys.Split(key);
        var owner = _owners.Lister.Get(ns, name);
        if (owner is null)
        {
            _expectations.Delete(key);
            return ReconcileResult.Done;
        }

        var satisfied = _expectations.Satisfied(key);
        var view = View(KubeJson.Clone(owner));
        var candidates = _pods.Lister.ByOwner(owner.Metadata.Uid)
            .Concat(_pods.Lister.ByIndex(PodIndexes.Orphans, ns ?? ""))
            .Where(PodState.IsActive)
            .DistinctBy(p => p.Metadata.Uid, StringComparer.Ordinal); // not Distinct(): a model's hash walks the whole pod
        var manager = new ControllerRefManager(owner, SelectorOf(owner), ct => CanAdoptAsync(owner, ct));
        var pods = await manager.ClaimAsync(candidates, new ResourceClient<V1Pod>(Client), cancellationToken);
        var api = new ReplicaSetApi(Client, _events, _expectations, key, owner);
        var controllerRef = ControllerRefs.For(owner, ApiVersion, Kind);
        var after = await new ReplicaSetSync(Time).SyncAsync(view, controllerRef, pods, () => RelatedPods(owner, pods), satisfied, api, cancellationToken);
        return after is { } delay ? ReconcileResult.RequeueAfter(delay) : ReconcileResult.Done;
    }

    // getIndirectlyRelatedPods: the pods of every ReplicaSet under the same controller (siblings of a rollout).
    private IReadOnlyList<V1Pod> RelatedPods(TOwner owner, IReadOnlyList<V1Pod> own)
    {
        if (ControllerRefs.Of(owner.Metadata) is not { } parent)
        {
            return own;
        }

        var siblings = _owners.Lister.ByOwner(parent.Uid);
        return siblings.SelectMany(s => _pods.Lister.ByOwner(s.Metadata.Uid)).Where(PodState.IsActive).ToList();
    }

    private async Task<bool> CanAdoptAsync(TOwner owner, CancellationToken ct)
    {
        var fresh = await ReadAsync(owner.Metadata.NamespaceProperty, owner.Metadata.Name, ct);
        return fresh.Metadata.Uid == owner.Metadata.Uid && fresh.Metadata.DeletionTimestamp is null;
    }

    private void OnPodAdd(V1Pod pod)
    {
        if (pod.Metadata.DeletionTimestamp is not null)
        {
            OnPodDelete(pod);
            return;
        }

        if (OwnerLookup.ControllerOf(_owners.Lister, pod, Kind) is { } owner)
        {
            _expectations.CreationObserved(ObjectKeys.KeyOf(owner));
            Enqueue(owner);
            return;
        }

        if (ControllerRefs.Of(pod.Metadata) is null)
        {
            EnqueueMatching(pod);
        }
    }

    private void OnPodUpdate(V1Pod old, V1Pod pod)
    {
        if (old.Metadata.ResourceVersion == pod.Metadata.ResourceVersion)
        {
            return;
        }

        var labelsChanged = !SemanticEquality.Equal(old.Metadata.Labels ?? new Dictionary<string, string>(), pod.Metadata.Labels ?? new Dictionary<string, string>());
        if (pod.Metadata.DeletionTimestamp is not null)
        {
            // Upstream counts a graceful delete as soon as the timestamp shows.
            OnPodDelete(pod);
            if (labelsChanged)
            {
                OnPodDelete(old);
            }

            return;
        }

        var oldRef = ControllerRefs.Of(old.Metadata);
        var newRef = ControllerRefs.Of(pod.Metadata);
        var refChanged = oldRef?.Uid != newRef?.Uid;
        if (refChanged && OwnerLookup.ControllerOf(_owners.Lister, old, Kind) is { } previous)
        {
            Enqueue(previous);
        }

        if (OwnerLookup.ControllerOf(_owners.Lister, pod, Kind) is { } owner)
        {
            Enqueue(owner);
            var minReady = View(owner).Spec?.MinReadySeconds ?? 0;
            if (minReady > 0 && !PodState.IsReady(old) && PodState.IsReady(pod))
            {
                EnqueueAfter(owner, TimeSpan.FromSeconds(minReady + 1));
            }

            return;
        }

        if (newRef is null && (labelsChanged || refChanged))
        {
            EnqueueMatching(pod);
        }
    }

    private void OnPodDelete(V1Pod pod)
    {
        if (OwnerLookup.ControllerOf(_owners.Lister, pod, Kind) is { } owner)
        {
            _expectations.DeletionObserved(ObjectKeys.KeyOf(owner), ReplicaSetSync.Key(pod));
            Enqueue(owner);
        }
    }

    private void EnqueueMatching(V1Pod pod)
    {
        foreach (var owner in OwnerLookup.Matching(_owners.Lister, pod, SelectorOf))
        {
            Enqueue(owner);
        }
    }
}
