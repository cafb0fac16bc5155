using System.Collections.Concurrent;
using LocalKube.Node.Client.Clients;
using LocalKube.Node.Client.Controllers;
using LocalKube.Node.Client.Informers;
using LocalKube.Node.Client.Resources;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Controllers.GarbageCollector;

/// <summary>
/// Upstream's garbage collector (<c>generic-garbage-collector</c>): a metadata informer per deletable resource the
/// API serves (rediscovered every 30 s, so custom resources join, and the monitors of resources no longer served, such
/// as those of a deleted CustomResourceDefinition, are stopped rather than retried forever), feeding the ownership graph of
/// <see cref="GarbageProcessor"/>; workers delete dependents whose owners are gone (background), release the
/// dependents of owners deleted with the <c>orphan</c> finalizer, and finish foreground deletions once no blocking
/// dependent is left. Every decision re-reads the objects it is about through the API.
/// </summary>
public sealed partial class GarbageCollectorController : ControllerService
{
    /// <summary>Upstream's name: the service account and event reporter.</summary>
    public const string ControllerName = "generic-garbage-collector";

    /// <summary>How often discovery runs again (upstream's resync of monitors is 30 s too).</summary>
    public static readonly TimeSpan DiscoveryPeriod = TimeSpan.FromSeconds(30);

    private const string DiscoverKey = "discover";
    private const string DeletePrefix = "d:";
    private const string OrphanPrefix = "o:";

    private readonly ResourceMap _resources = new();
    private readonly DiscoveryClient _discovery;
    private readonly GarbageProcessor _processor;
    private readonly ConcurrentDictionary<string, GraphNode> _pending = new();
    private readonly Dictionary<ApiResource, IDisposable> _watched = [];
    private readonly TaskCompletionSource _graphSynced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Creates the collector.</summary>
    public GarbageCollectorController(ControllerContext context)
        : base(context)
    {
        Workers = 4;
        _discovery = new DiscoveryClient(context.Client);
        var api = new GarbageCollectorApi(new DynamicClient(context.Client), _resources, context.Recorder);
        _processor = new GarbageProcessor(api, n => Add(DeletePrefix, n), n => Add(OrphanPrefix, n));
        Queue.Add(DiscoverKey);
    }

    /// <summary>Completes when the first discovery's informers have all synced.</summary>
    public Task GraphSynced => _graphSynced.Task;

    /// <summary>How many objects the graph holds.</summary>
    public int GraphSize => _processor.Count;

    /// <inheritdoc />
    protected override async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        if (key == DiscoverKey)
        {
            await DiscoverAsync(cancellationToken);
            return ReconcileResult.RequeueAfter(DiscoveryPeriod);
        }

        // Dependents are only judged on a complete graph (upstream waits for every monitor before its workers run).
        await _graphSynced.Task.WaitAsync(cancellationToken);
        if (!_pending.TryRemove(key, out var node))
        {
            return ReconcileResult.Done;
        }

        try
        {
            if (key.StartsWith(OrphanPrefix, StringComparison.Ordinal))
            {
                await _processor.AttemptToOrphanAsync(node, cancellationToken);
                return ReconcileResult.Done;
            }

            if (await _processor.AttemptToDeleteAsync(node, cancellationToken) == AttemptOutcome.Requeue)
            {
                _pending.TryAdd(key, node);
                return ReconcileResult.RequeueWithBackoff;
            }

            return ReconcileResult.Done;
        }
        catch
        {
            _pending.TryAdd(key, node);
            throw;
        }
    }

    private void Add(string prefix, GraphNode node)
    {
        var key = prefix + node.Identity.Uid;
        _pending[key] = node;
        Queue.Add(key);
    }

    /// <summary>The resources the collector watches now.</summary>
    public IReadOnlyCollection<ApiResource> Monitored
    {
        get
        {
            lock (_watched)
            {
                return [.. _watched.Keys];
            }
        }
    }

    private async Task DiscoverAsync(CancellationToken cancellationToken)
    {
        var deletable = _resources.Update(await _discovery.ServerPreferredResourcesAsync(cancellationToken));
        var started = new List<ISharedInformer>();
        List<(ApiResource Resource, IDisposable Handler)> gone;
        lock (_watched)
        {
            foreach (var resource in deletable)
            {
                if (_watched.ContainsKey(resource))
                {
                    continue;
                }

                var informer = Context.Informers.GetInformer<MetadataObject>(resource);
                _watched[resource] = informer.AddEventHandler(new ResourceEventHandler<MetadataObject>(
                    onAdd: (o, _) => Apply(GraphChangeType.Add, resource, o, null),
                    onUpdate: (old, o) => Apply(GraphChangeType.Update, resource, o, old),
                    onDelete: (o, _) => Apply(GraphChangeType.Delete, resource, o, null)));
                started.Add(informer);
            }

            // Upstream's resyncMonitors: a resource discovery no longer serves (its CRD deleted, its API group
            // removed) loses its monitor, whose list would otherwise fail until the agent restarts.
            var served = deletable.ToHashSet();
            gone = [.. _watched.Where(w => !served.Contains(w.Key)).Select(w => (w.Key, w.Value))];
            foreach (var (resource, _) in gone)
            {
                _watched.Remove(resource);
            }
        }

        foreach (var (resource, handler) in gone)
        {
            handler.Dispose();
            await Context.Informers.RemoveInformerAsync<MetadataObject>(resource);
        }

        if (started.Count > 0 || gone.Count > 0)
        {
            Log.Watching(Logger, started.Count, gone.Count, _watched.Count);
        }

        Context.Informers.Start();
        await Task.WhenAll(started.Select(i => i.WaitForSyncAsync(cancellationToken)));
        _graphSynced.TrySetResult();
    }

    private void Apply(GraphChangeType type, ApiResource resource, MetadataObject obj, MetadataObject? old)
    {
        var meta = obj.Metadata;
        if (meta?.Uid is not { Length: > 0 } uid)
        {
            return;
        }

        var identity = new ObjectIdentity(resource.ApiVersion, resource.Kind, meta.NamespaceProperty ?? "", meta.Name, uid);
        _processor.Apply(new GraphChange(type, identity, meta, old?.Metadata));
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Garbage collector: watching {New} more resources, {Gone} no longer served ({Total} in all)")]
        public static partial void Watching(ILogger logger, int @new, int gone, int total);
    }
}
