using k8s;
using k8s.Models;
using LocalKube.Node.Client.Cache;
using LocalKube.Node.Client.Clients;
using LocalKube.Node.Client.Controllers;
using LocalKube.Node.Client.Informers;

namespace LocalKube.Node.Controllers.TaintEviction;

/// <summary>
/// Upstream's taint eviction controller (<c>taint-eviction-controller</c>, k/k <c>pkg/controller/tainteviction</c>):
/// a pod on a node with NoExecute taints it does not tolerate is deleted at once; one that tolerates them for
/// <c>tolerationSeconds</c> is deleted when the shortest of those runs out (counted from the taint's
/// <c>timeAdded</c>), unless the taint is gone by then. Before deleting it adds the <c>DisruptionTarget</c>
/// condition (<c>DeletionByTaintManager</c>) and records <c>TaintManagerEviction</c>.
/// </summary>
public sealed class TaintEvictionController : ControllerService
{
    /// <summary>Upstream's name: the service account and event reporter.</summary>
    public const string ControllerName = "taint-eviction-controller";

    private readonly ILister<V1Pod> _pods;
    private readonly ILister<V1Node> _nodes;

    /// <summary>Creates the controller.</summary>
    public TaintEvictionController(ControllerContext context)
        : base(context)
    {
        var pods = Watch<V1Pod>();
        pods.AddEventHandler(new ResourceEventHandler<V1Pod>(
            onAdd: (p, _) => EnqueueScheduled(p),
            onUpdate: (old, p) =>
            {
                if (old.Spec?.NodeName != p.Spec?.NodeName || !SameTolerations(old, p))
                {
                    EnqueueScheduled(p);
                }
            }));
        _pods = pods.Lister;
        var nodes = Watch<V1Node>();
        nodes.AddEventHandler(new ResourceEventHandler<V1Node>(
            onAdd: (n, _) => EnqueuePodsOf(n),
            onUpdate: (old, n) =>
            {
                if (NoExecute(old) != NoExecute(n))
                {
                    EnqueuePodsOf(n);
                }
            }));
        _nodes = nodes.Lister;
    }

    /// <inheritdoc />
    protected override async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        var pod = _pods.GetByKey(key);
        if (pod?.Spec?.NodeName is not { Length: > 0 } nodeName || pod.Metadata.DeletionTimestamp is not null
            || _nodes.Get(null, nodeName) is not { } node)
        {
            return ReconcileResult.Done;
        }

        var taints = (node.Spec?.Taints ?? []).Where(t => t.Effect == "NoExecute").ToList();
        if (EvictionTiming.Delay(taints, pod.Spec.Tolerations) is not { } delay)
        {
            return ReconcileResult.Done;
        }

        // Counted from when the newest of the taints was added (upstream: the time the pod was first seen tainted).
        var since = taints.Max(t => t.TimeAdded) is { } added ? new DateTimeOffset(DateTime.SpecifyKind(added, DateTimeKind.Utc)) : Time.GetUtcNow();
        var due = since + delay - Time.GetUtcNow();
        if (due > TimeSpan.Zero)
        {
            return ReconcileResult.RequeueAfter(due);
        }

        await EvictAsync(pod, cancellationToken);
        return ReconcileResult.Done;
    }

    private static string NoExecute(V1Node node) =>
        string.Join(',', (node.Spec?.Taints ?? []).Where(t => t.Effect == "NoExecute").Select(t => $"{t.Key}={t.Value}").Order(StringComparer.Ordinal));

    private static bool SameTolerations(V1Pod a, V1Pod b) =>
        (a.Spec?.Tolerations?.Count ?? 0) == (b.Spec?.Tolerations?.Count ?? 0);

    private void EnqueueScheduled(V1Pod pod)
    {
        if (!string.IsNullOrEmpty(pod.Spec?.NodeName))
        {
            Enqueue(pod);
        }
    }

    private void EnqueuePodsOf(V1Node node)
    {
        if (NoExecute(node).Length == 0)
        {
            return;
        }

        foreach (var pod in _pods.ByNodeName(node.Metadata.Name))
        {
            Enqueue(pod);
        }
    }

    private async Task EvictAsync(V1Pod cached, CancellationToken cancellationToken)
    {
        var ns = cached.Metadata.NamespaceProperty;
        var name = cached.Metadata.Name;
        Recorder.Eventf(cached, null, "Normal", "TaintManagerEviction", "Delete", $"Marking for deletion Pod {ns}/{name}");
        try
        {
            if (cached.Status?.Conditions?.Any(c => c.Type == "DisruptionTarget" && c.Status == "True") != true)
            {
                var condition = new V1PodCondition
                {
                    Type = "DisruptionTarget", Status = "True", Reason = "DeletionByTaintManager",
                    Message = "Taint manager: deleting due to NoExecute taint", LastTransitionTime = Time.GetUtcNow().UtcDateTime,
                };
                var patch = new { status = new { conditions = new[] { condition } } };
                await Client.CoreV1.PatchNamespacedPodStatusAsync(
                    new V1Patch(KubernetesJson.Serialize(patch), V1Patch.PatchType.StrategicMergePatch), name, ns, cancellationToken: cancellationToken);
            }

            await Client.CoreV1.DeleteNamespacedPodAsync(name, ns, new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = cached.Metadata.Uid } }, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (KubeErrors.IsNotFound(e))
        {
            // Gone already.
        }
    }
}
