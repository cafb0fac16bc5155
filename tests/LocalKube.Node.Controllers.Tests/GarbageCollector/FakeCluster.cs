using k8s.Models;
using LocalKube.Node.Controllers.GarbageCollector;
using NUnit.Framework;

namespace LocalKube.Node.Controllers.Tests.GarbageCollector;

/// <summary>
/// A tiny API server for the collector: objects by identity with upstream's deletion semantics (propagation
/// finalizers, removal when no finalizer is left), feeding every change back as an informer would.
/// </summary>
internal sealed class FakeCluster : IGarbageCollectorActions
{
    private readonly Dictionary<string, (ObjectIdentity Id, V1ObjectMeta Meta)> _objects = [];
    private readonly Queue<GraphNode> _deletes = new();
    private readonly Queue<GraphNode> _orphans = new();

    public FakeCluster() => Processor = new GarbageProcessor(this, _deletes.Enqueue, _orphans.Enqueue);

    public GarbageProcessor Processor { get; }

    public List<(string Name, string Policy)> Deletes { get; } = [];

    public List<(string Name, string Reason, string Message)> Events { get; } = [];

    public bool Exists(string uid) => _objects.ContainsKey(uid);

    public V1ObjectMeta Meta(string uid) => _objects[uid].Meta;

    public void Add(ObjectIdentity id, params V1OwnerReference[] owners)
    {
        var meta = new V1ObjectMeta { Name = id.Name, NamespaceProperty = id.Namespace, Uid = id.Uid, OwnerReferences = owners.Length == 0 ? null : [.. owners] };
        _objects[id.Uid] = (id, meta);
        Processor.Apply(new GraphChange(GraphChangeType.Add, id, Copy(meta)));
    }

    /// <summary>A user's DELETE with a propagation policy (as the API server applies it).</summary>
    public void UserDelete(string uid, string policy)
    {
        var (id, meta) = _objects[uid];
        var old = Copy(meta);
        var finalizers = meta.Finalizers?.ToList() ?? [];
        if (policy == "Orphan")
        {
            finalizers.Add(OwnerGraph.OrphanFinalizer);
        }
        else if (policy == "Foreground")
        {
            finalizers.Add(OwnerGraph.ForegroundFinalizer);
        }

        meta.Finalizers = finalizers.Count == 0 ? null : finalizers;
        meta.DeletionTimestamp = DateTime.UtcNow;
        Changed(id, meta, old);
    }

    /// <summary>Runs the collector's queues until they are empty; fails on what looks like an endless loop.</summary>
    public async Task SettleAsync()
    {
        for (var i = 0; i < 1000; i++)
        {
            if (_orphans.TryDequeue(out var owner))
            {
                await Processor.AttemptToOrphanAsync(owner, CancellationToken.None);
            }
            else if (_deletes.TryDequeue(out var node))
            {
                if (await Processor.AttemptToDeleteAsync(node, CancellationToken.None) == AttemptOutcome.Requeue && Exists(node.Identity.Uid) is false && node.IsVirtual)
                {
                    continue;
                }
            }
            else
            {
                return;
            }
        }

        Assert.Fail("the collector did not settle");
    }

    public bool? IsNamespaced(string apiVersion, string kind) => kind switch
    {
        "Node" or "Namespace" or "ClusterRole" or "PersistentVolume" => false,
        "Unknown" => null,
        _ => true,
    };

    public Task<V1ObjectMeta?> GetAsync(ObjectIdentity identity, CancellationToken cancellationToken)
    {
        var match = _objects.Values.FirstOrDefault(o => o.Id.Kind == identity.Kind && o.Id.Name == identity.Name && o.Id.Namespace == identity.Namespace);
        return Task.FromResult(match.Meta is null ? null : Copy(match.Meta));
    }

    public Task DeleteAsync(ObjectIdentity identity, string propagation, CancellationToken cancellationToken)
    {
        if (_objects.ContainsKey(identity.Uid))
        {
            Deletes.Add((identity.Name, propagation));
            UserDelete(identity.Uid, propagation);
        }

        return Task.CompletedTask;
    }

    public Task RemoveOwnerReferencesAsync(ObjectIdentity identity, IReadOnlyList<string> ownerUids, CancellationToken cancellationToken)
    {
        if (_objects.TryGetValue(identity.Uid, out var o))
        {
            var old = Copy(o.Meta);
            var kept = (o.Meta.OwnerReferences ?? []).Where(r => !ownerUids.Contains(r.Uid)).ToList();
            o.Meta.OwnerReferences = kept.Count == 0 ? null : kept;
            Changed(o.Id, o.Meta, old);
        }

        return Task.CompletedTask;
    }

    public Task UnblockOwnerReferencesAsync(ObjectIdentity identity, V1ObjectMeta latest, CancellationToken cancellationToken)
    {
        if (_objects.TryGetValue(identity.Uid, out var o))
        {
            var old = Copy(o.Meta);
            foreach (var r in o.Meta.OwnerReferences ?? [])
            {
                r.BlockOwnerDeletion = false;
            }

            Changed(o.Id, o.Meta, old);
        }

        return Task.CompletedTask;
    }

    public Task RemoveFinalizerAsync(ObjectIdentity identity, string finalizer, CancellationToken cancellationToken)
    {
        if (_objects.TryGetValue(identity.Uid, out var o))
        {
            var old = Copy(o.Meta);
            var kept = (o.Meta.Finalizers ?? []).Where(f => f != finalizer).ToList();
            o.Meta.Finalizers = kept.Count == 0 ? null : kept;
            Changed(o.Id, o.Meta, old);
        }

        return Task.CompletedTask;
    }

    public void Event(ObjectIdentity regarding, string type, string reason, string message) => Events.Add((regarding.Name, reason, message));

    private void Changed(ObjectIdentity id, V1ObjectMeta meta, V1ObjectMeta old)
    {
        if (meta.DeletionTimestamp is not null && (meta.Finalizers?.Count ?? 0) == 0)
        {
            _objects.Remove(id.Uid);
            Processor.Apply(new GraphChange(GraphChangeType.Delete, id, Copy(meta)));
            return;
        }

        Processor.Apply(new GraphChange(GraphChangeType.Update, id, Copy(meta), old));
    }

    private static V1ObjectMeta Copy(V1ObjectMeta m) => k8s.KubernetesJson.Deserialize<V1ObjectMeta>(k8s.KubernetesJson.Serialize(m));
}
