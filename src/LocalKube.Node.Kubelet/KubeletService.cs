using System.Net.Sockets;
using k8s.Models;
using LocalKube.Abstractions.Node;
using LocalKube.Node.Client.Clients;
using LocalKube.Node.Client.Events;
using LocalKube.Node.Client.Informers;
using LocalKube.Node.Hosting;
using LocalKube.Node.Kubelet.Api;
using LocalKube.Node.Kubelet.Registration;
using LocalKube.Node.Kubelet.Runtime;
using LocalKube.Node.Kubelet.Server;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LocalKube.Node.Kubelet;

/// <summary>
/// The kubelet as a node component (<c>kubelet</c>), acting as <c>system:node:&lt;node&gt;</c>: registers the Node,
/// watches the pods bound to it, runs them through <see cref="KubeletCore"/> over the container runtime, posts the
/// node's status (Ready follows the runtime) every 10 s when it changed and every 5 min regardless, and renews its
/// Lease every 10 s. Ready once the node is registered and the pods it should run are known. Failures are retried
/// with backoff; a denial by RBAC is logged as such.
/// </summary>
public sealed partial class KubeletService(
    NodeComponentContext context,
    IKubeClientFactory clients,
    SharedInformerFactory informers,
    IContainerRuntime runtime,
    IOptions<NodeAgentOptions> options,
    NodeSettings settings)
    : NodeComponentService(context)
{
    /// <summary>How often the full status is posted when nothing changed (upstream's <c>nodeStatusReportFrequency</c>).</summary>
    public static readonly TimeSpan StatusReportInterval = TimeSpan.FromMinutes(5);

    /// <summary>How often the node's status is computed (upstream's <c>nodeStatusUpdateFrequency</c>).</summary>
    public static readonly TimeSpan StatusUpdateInterval = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);
    private readonly NodeComponentContext _context = context;
    private int _kubeletPort = NodeDescription.KubeletPort;

    /// <summary>The running kubelet (null before it starts): tests and the streaming endpoints reach pods through it.</summary>
    public KubeletCore? Core { get; private set; }

    /// <inheritdoc />
    public override NodeComponent Component => NodeComponent.Kubelet;

    /// <inheritdoc />
    public override IReadOnlyList<NodeComponent> DependsOn =>
        _context.Readiness.Snapshot().Any(s => s.Component == NodeComponent.ContainerRuntime)
            ? [NodeComponent.ApiServer, NodeComponent.ContainerRuntime]
            : [NodeComponent.ApiServer];

    /// <inheritdoc />
    protected override async Task RunAsync(Action markReady, CancellationToken stoppingToken)
    {
        var agent = options.Value;
        var kubeletOptions = KubeletSettings.Kubelet(agent, settings);
        var podCidr = KubeletSettings.Docker(settings).PodCidr;
        var client = clients.ClientFor(ComponentIdentity.Kubelet(agent.NodeName));
        var info = await ContainerRuntimeService.PrepareAsync(runtime, Time, Logger, stoppingToken);
        var registrar = new NodeRegistrar(client, agent, Time);
        var lease = new NodeLease(client, agent.NodeName, Time);

        // The kubelet's API first: the Node reports its port, and the API server reaches pods through it.
        await using var server = await KubeletServer.StartAsync(
            KubeletServerSettings.Server(agent, settings, kubeletOptions.RootDirectory), new CorePodSource(agent.NodeName, runtime, () => Core),
            new ApiAccessReviewer(client, Time), _context.LoggerFactory, Time, stoppingToken);
        _kubeletPort = server.Port;
        Log.Serving(Logger, server.Port, server.ReadOnlyPort);
        var facts = await FactsAsync(info, kubeletOptions, healthy: true, "", stoppingToken);
        var node = await RetryAsync("register the node", () => registrar.RegisterAsync(facts, podCidr, stoppingToken), stoppingToken);
        await RetryAsync("create the node lease", () => lease.EnsureAsync(node, stoppingToken), stoppingToken);
        Log.Registered(Logger, agent.NodeName, info.RuntimeVersion);

        await using var broadcaster = new EventBroadcaster(client, _context.LoggerFactory, Time, agent.NodeName) { Correlation = EventCorrelation.Legacy };
        broadcaster.Start();
        var services = informers.GetInformer<V1Service>();
        await using var podInformers = new SharedInformerFactory(client, _context.LoggerFactory, Time);
        var pods = podInformers.GetInformer<V1Pod>(new InformerOptions(FieldSelector: $"spec.nodeName={agent.NodeName}"));
        var api = new KubeletApi(client, services.Lister, Time);
        await using var core = new KubeletCore(runtime, api, new KubeletEvents(broadcaster.NewRecorder("kubelet", agent.NodeName)), kubeletOptions, Time, _context.LoggerFactory)
        {
            Node = node,
        };
        core.SetNodeResources(node.Status?.Allocatable ?? new Dictionary<string, ResourceQuantity>(), GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
        using var handler = pods.AddEventHandler(new PodEvents(core));
        podInformers.Start();
        informers.Start();
        await pods.WaitForSyncAsync(stoppingToken);
        await services.WaitForSyncAsync(stoppingToken);
        core.SetSourcesReady();
        Core = core;
        markReady();

        try
        {
            await Task.WhenAll(core.RunAsync(stoppingToken), HeartbeatAsync(core, registrar, lease, info, kubeletOptions, node, stoppingToken));
        }
        finally
        {
            Core = null;
        }
    }

    private async Task HeartbeatAsync(
        KubeletCore core, NodeRegistrar registrar, NodeLease lease, RuntimeInfo info, KubeletOptions kubeletOptions, V1Node node, CancellationToken stoppingToken)
    {
        var lastReport = Time.GetUtcNow();
        var lastFingerprint = "";
        while (true)
        {
            await Task.Delay(StatusUpdateInterval, Time, stoppingToken);
            var healthy = core.RuntimeHealthy;
            var facts = await FactsAsync(info, kubeletOptions, healthy,
                healthy ? "" : $"container runtime is down: the {runtime.Type} engine did not answer since {core.LastRelist:O}", stoppingToken);
            var fingerprint = registrar.Fingerprint(facts);
            if (fingerprint != lastFingerprint || Time.GetUtcNow() - lastReport >= StatusReportInterval)
            {
                node = await RetryAsync("post the node status", () => registrar.UpdateStatusAsync(facts, stoppingToken), stoppingToken);
                core.Node = node;
                lastFingerprint = fingerprint;
                lastReport = Time.GetUtcNow();
            }

            await RetryAsync("renew the node lease", () => lease.RenewAsync(node, stoppingToken), stoppingToken);
        }
    }

    private async Task<NodeFacts> FactsAsync(RuntimeInfo info, KubeletOptions kubeletOptions, bool healthy, string message, CancellationToken cancellationToken)
    {
        IReadOnlyList<V1ContainerImage> images = [];
        if (healthy && !runtime.IsSimulated)
        {
            try
            {
                images = (await runtime.ListImagesAsync(cancellationToken))
                    .OrderByDescending(i => i.SizeBytes)
                    .Take(50)
                    .Select(i => new V1ContainerImage { Names = [.. i.RepoDigests, .. i.RepoTags], SizeBytes = i.SizeBytes })
                    .Where(i => i.Names.Count > 0)
                    .ToList();
            }
            catch (ContainerRuntimeException)
            {
                healthy = false;
                message = $"container runtime is down: the {runtime.Type} engine does not answer";
            }
        }

        return new NodeFacts(info.RuntimeVersion, healthy, message, images, kubeletOptions.MaxPods) { KubeletPort = _kubeletPort };
    }

    private async Task<T> RetryAsync<T>(string what, Func<Task<T>> action, CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            try
            {
                return await action();
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested && (KubeErrors.StatusCode(e) is not null || e is HttpRequestException or IOException or SocketException))
            {
                if (KubeErrors.IsForbidden(e))
                {
                    Log.Denied(Logger, what, e.Message);
                }
                else
                {
                    Log.Failed(Logger, what, delay, e.Message);
                }

                await Task.Delay(delay, Time, stoppingToken);
                delay = delay * 2 > MaxBackoff ? MaxBackoff : delay * 2;
            }
        }
    }

    /// <summary>Feeds the pod watch into the kubelet.</summary>
    private sealed class PodEvents(KubeletCore core) : IResourceEventHandler<V1Pod>
    {
        public void OnAdd(V1Pod obj, bool isInInitialList) => core.OnPodAdded(obj);

        public void OnUpdate(V1Pod oldObj, V1Pod newObj) => core.OnPodUpdated(newObj);

        public void OnDelete(V1Pod obj, bool finalStateUnknown) => core.OnPodDeleted(obj);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Node {Node} registered ({Runtime})")]
        public static partial void Registered(ILogger logger, string node, string runtime);

        [LoggerMessage(2, LogLevel.Warning, "Kubelet could not {What}, retrying in {Delay}: {Message}")]
        public static partial void Failed(ILogger logger, string what, TimeSpan delay, string message);

        [LoggerMessage(3, LogLevel.Error, "Kubelet is not allowed to {What} (RBAC denied system:node): {Message}")]
        public static partial void Denied(ILogger logger, string what, string message);

        [LoggerMessage(4, LogLevel.Information, "Kubelet API serving on port {Port} (read-only port {ReadOnlyPort}, 0: off)")]
        public static partial void Serving(ILogger logger, int port, int readOnlyPort);
    }
}
