using k8s.Models;
using LocalKube.Abstractions.Node;
using LocalKube.Node.Client.Clients;
using LocalKube.Node.Client.Events;
using LocalKube.Node.Client.Informers;
using LocalKube.Node.Hosting;
using LocalKube.Node.Scheduler.Cache;
using LocalKube.Node.Scheduler.Framework;
using LocalKube.Node.Scheduler.Queue;
using LocalKube.Node.Scheduler.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LocalKube.Node.Scheduler;

/// <summary>
/// The scheduler as a node component (<c>scheduler</c>), acting as <c>system:kube-scheduler</c>: feeds the shared
/// informers of pods, nodes, namespaces and storage objects into the queue and cache, is ready once they synced, and
/// schedules until the agent stops. Events are events.k8s.io/v1 from <c>default-scheduler</c>.
/// </summary>
public sealed class SchedulerService(
    NodeComponentContext context,
    IKubeClientFactory clients,
    SharedInformerFactory informers,
    IOptions<NodeAgentOptions> options,
    ILoggerFactory loggerFactory)
    : NodeComponentService(context)
{
    /// <inheritdoc />
    public override NodeComponent Component => NodeComponent.Scheduler;

    /// <inheritdoc />
    public override IReadOnlyList<NodeComponent> DependsOn => [NodeComponent.ApiServer];

    /// <summary>The running scheduler, once started (tests and diagnostics).</summary>
    public Runtime.Scheduler? Scheduler { get; private set; }

    /// <inheritdoc />
    protected override async Task RunAsync(Action markReady, CancellationToken stoppingToken)
    {
        var client = clients.ClientFor(ComponentIdentity.Scheduler);
        await using var broadcaster = new EventBroadcaster(client, loggerFactory, Time, options.Value.NodeName);
        broadcaster.Start();

        var pods = informers.GetInformer<V1Pod>();
        var nodes = informers.GetInformer<V1Node>();
        var namespaces = informers.GetInformer<V1Namespace>();
        var claims = informers.GetInformer<V1PersistentVolumeClaim>();
        var volumes = informers.GetInformer<V1PersistentVolume>();
        var classes = informers.GetInformer<V1StorageClass>();
        var framework = SchedulingFramework.CreateDefault();
        var scheduler = new Runtime.Scheduler(
            framework,
            new SchedulingQueue(Time, framework.EventsFor),
            new SchedulerCache(),
            new InformerListers(namespaces.Lister, claims.Lister, volumes.Lister, classes.Lister),
            new SchedulerApi(client, broadcaster.NewRecorder(Runtime.Scheduler.DefaultSchedulerName), pods.Lister, claims.Lister, Time),
            loggerFactory.CreateLogger<Runtime.Scheduler>(),
            Time);
        Scheduler = scheduler;

        using var podEvents = pods.AddEventHandler(new ResourceEventHandler<V1Pod>(
            (p, _) => scheduler.OnPodChanged(p),
            (_, p) => scheduler.OnPodChanged(p),
            (p, _) => scheduler.OnPodDeleted(p.Metadata.NamespaceProperty, p.Metadata.Name)));
        using var nodeEvents = nodes.AddEventHandler(new ResourceEventHandler<V1Node>(
            (n, _) => scheduler.OnNodeChanged(n),
            (_, n) => scheduler.OnNodeChanged(n),
            (n, _) => scheduler.OnNodeDeleted(n.Metadata.Name)));
        using var namespaceEvents = namespaces.AddEventHandler(new ResourceEventHandler<V1Namespace>(
            onUpdate: (o, n) => { if (!SameLabels(o.Metadata?.Labels, n.Metadata?.Labels)) { scheduler.OnClusterEvent(ClusterEvents.NamespaceLabel); } }));
        using var claimEvents = claims.AddEventHandler(ResourceEventHandler<V1PersistentVolumeClaim>.ForAll(_ => scheduler.OnClusterEvent(ClusterEvents.Claim)));
        using var volumeEvents = volumes.AddEventHandler(ResourceEventHandler<V1PersistentVolume>.ForAll(_ => scheduler.OnClusterEvent(ClusterEvents.Volume)));
        using var classEvents = classes.AddEventHandler(ResourceEventHandler<V1StorageClass>.ForAll(_ => scheduler.OnClusterEvent(ClusterEvents.StorageClass)));

        informers.Start();
        await Task.WhenAll(new ISharedInformer[] { pods, nodes, namespaces, claims, volumes, classes }.Select(i => i.WaitForSyncAsync(stoppingToken)));
        markReady();
        await scheduler.RunAsync(stoppingToken);
    }

    private static bool SameLabels(IDictionary<string, string>? a, IDictionary<string, string>? b)
    {
        a ??= new Dictionary<string, string>();
        b ??= new Dictionary<string, string>();
        return a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);
    }
}
