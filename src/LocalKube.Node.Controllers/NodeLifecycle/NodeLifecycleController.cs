using k8s;
using k8s.Models;
using LocalKube.Node.Client.Cache;
using LocalKube.Node.Client.Clients;
using LocalKube.Node.Client.Controllers;
using LocalKube.Node.Client.Informers;
using LocalKube.Node.Controllers.Shared;

namespace LocalKube.Node.Controllers.NodeLifecycle;

/// <summary>
/// Upstream's node lifecycle controller (<c>node-controller</c>, k/k <c>pkg/controller/nodelifecycle</c>): every
/// monitor period it checks each node's Ready heartbeat and Lease; a node silent for the grace period (40 s) gets
/// its conditions set to Unknown, its pods marked not ready, a <c>NodeNotReady</c> event, and the
/// <c>node.kubernetes.io/unreachable</c> NoExecute taint (<c>not-ready</c> when the kubelet reports Ready=False).
/// The NoSchedule taints follow the conditions and <c>spec.unschedulable</c> (TaintNodesByCondition). Eviction of
/// the pods is the taint eviction controller's, once their tolerations expire.
/// </summary>
public sealed class NodeLifecycleController : ControllerService
{
    /// <summary>Upstream's name: the service account and event reporter.</summary>
    public const string ControllerName = "node-controller";

    /// <summary>Upstream's <c>--node-monitor-grace-period</c>.</summary>
    public static readonly TimeSpan DefaultGracePeriod = TimeSpan.FromSeconds(40);

    /// <summary>Upstream's <c>--node-startup-grace-period</c>.</summary>
    public static readonly TimeSpan DefaultStartupGracePeriod = TimeSpan.FromSeconds(60);

    /// <summary>Upstream's <c>--node-monitor-period</c>.</summary>
    public static readonly TimeSpan DefaultMonitorPeriod = TimeSpan.FromSeconds(5);

    private readonly ILister<V1Node> _nodes;
    private readonly ILister<V1Lease> _leases;
    private readonly ILister<V1Pod> _pods;
    private readonly NodeHealthTracker _tracker;
    private readonly TimeSpan _monitorPeriod;
    private readonly Lock _lock = new();

    /// <summary>Creates the controller with upstream's periods.</summary>
    [Microsoft.Extensions.DependencyInjection.ActivatorUtilitiesConstructor]
    public NodeLifecycleController(ControllerContext context)
        : this(context, DefaultGracePeriod, DefaultStartupGracePeriod, DefaultMonitorPeriod)
    {
    }

    /// <summary>Creates the controller with the given grace and monitor periods (tests shorten them).</summary>
    public NodeLifecycleController(ControllerContext context, TimeSpan gracePeriod, TimeSpan startupGracePeriod, TimeSpan monitorPeriod)
        : base(context)
    {
        _tracker = new NodeHealthTracker(gracePeriod, startupGracePeriod);
        _monitorPeriod = monitorPeriod;
        var nodes = Watch<V1Node>();
        nodes.AddEventHandler(new ResourceEventHandler<V1Node>(
            onAdd: (n, _) => Enqueue(n),
            onUpdate: (old, n) =>
            {
                // Heartbeats arrive often; only what changes taints matters between monitor passes.
                if (old.Spec?.Unschedulable != n.Spec?.Unschedulable || !SameConditions(old, n))
                {
                    Enqueue(n);
                }
            },
            onDelete: (n, _) =>
            {
                lock (_lock)
                {
                    _tracker.Forget(n.Metadata.Name);
                }
            }));
        _nodes = nodes.Lister;
        _leases = Watch<V1Lease>(new InformerOptions(Namespace: "kube-node-lease")).Lister;
        var pods = Watch<V1Pod>();
        _pods = pods.Lister;
    }

    /// <inheritdoc />
    protected override async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        if (_nodes.Get(null, key) is not { } cached)
        {
            return ReconcileResult.Done;
        }

        var node = ModelCopy.Clone(cached);
        var now = Time.GetUtcNow();
        HealthCheck check;
        lock (_lock)
        {
            check = _tracker.Check(node, _leases.Get("kube-node-lease", key), now);
        }

        if (check.UpdatedStatus is not null)
        {
            node = await Client.CoreV1.ReplaceNodeStatusAsync(node, key, cancellationToken: cancellationToken);
            if (check.Current?.Status == "Unknown")
            {
                Recorder.Eventf(node, null, "Normal", "NodeNotReady", "Update", $"Node {key} status is now: NodeNotReady");
            }
        }

        if (NodeHealthTracker.Ready(node.Status)?.Status is "Unknown" or "False")
        {
            await MarkPodsNotReadyAsync(key, cancellationToken);
        }

        await ReconcileTaintsAsync(node, NodeHealthTracker.Ready(node.Status)?.Status, cancellationToken);
        return ReconcileResult.RequeueAfter(_monitorPeriod);
    }

    private static bool SameConditions(V1Node a, V1Node b)
    {
        var x = a.Status?.Conditions ?? [];
        var y = b.Status?.Conditions ?? [];
        return x.Count == y.Count && x.All(c => y.Any(d => d.Type == c.Type && d.Status == c.Status));
    }

    private async Task ReconcileTaintsAsync(V1Node node, string? readyStatus, CancellationToken cancellationToken)
    {
        var (addNoSchedule, removeNoSchedule) = NodeTaints.NoScheduleDiff(node);
        var (noExecute, opposite) = NodeTaints.NoExecuteFor(readyStatus);
        var add = addNoSchedule.ToList();
        var remove = removeNoSchedule.ToList();
        if (noExecute is not null)
        {
            add.Add(noExecute);
            remove.Add(opposite!);
        }
        else
        {
            // Ready again: both NoExecute taints go.
            remove.Add(new V1Taint { Key = NodeTaints.NotReady, Effect = "NoExecute" });
            remove.Add(new V1Taint { Key = NodeTaints.Unreachable, Effect = "NoExecute" });
        }

        if (NodeTaints.Swap(node, add, remove, Time.GetUtcNow().UtcDateTime) is not { } taints)
        {
            return;
        }

        node.Spec ??= new V1NodeSpec();
        node.Spec.Taints = taints;
        await Client.CoreV1.ReplaceNodeAsync(node, node.Metadata.Name, cancellationToken: cancellationToken);
    }

    // Upstream's MarkPodsNotReady: the kubelet cannot say so any more, so endpoints stop sending traffic there.
    private async Task MarkPodsNotReadyAsync(string nodeName, CancellationToken cancellationToken)
    {
        foreach (var cached in _pods.ByNodeName(nodeName))
        {
            var ready = cached.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
            if (ready is null || ready.Status == "False" || cached.Status?.Phase is "Succeeded" or "Failed")
            {
                continue;
            }

            var pod = ModelCopy.Clone(cached);
            var condition = pod.Status.Conditions.First(c => c.Type == "Ready");
            condition.Status = "False";
            condition.LastTransitionTime = Time.GetUtcNow().UtcDateTime;
            try
            {
                await Client.CoreV1.ReplaceNamespacedPodStatusAsync(pod, pod.Metadata.Name, pod.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
                Recorder.Eventf(pod, null, "Warning", "NodeNotReady", "Update", "Node is not ready");
            }
            catch (Exception e) when (KubeErrors.IsNotFound(e) || KubeErrors.IsConflict(e))
            {
                // Gone, or changed meanwhile (the next pass looks again).
            }
        }
    }
}
