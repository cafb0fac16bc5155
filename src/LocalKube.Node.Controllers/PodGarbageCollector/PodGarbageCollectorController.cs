using k8s;
using k8s.Models;
using LocalKube.Node.Client.Cache;
using LocalKube.Node.Client.Clients;
using LocalKube.Node.Client.Controllers;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Controllers.PodGarbageCollector;

/// <summary>
/// Upstream's pod garbage collector (<c>pod-garbage-collector</c>, k/k <c>pkg/controller/podgc</c>), every 20 s:
/// finished pods beyond the threshold (12,500; evicted first, then oldest), pods bound to a node that no longer
/// exists (after a 40 s quarantine and a fresh read of the node; marked Failed with <c>DisruptionTarget</c>
/// <c>DeletionByPodGC</c>), terminating pods that were never scheduled, and terminating pods on an out-of-service
/// node are force-deleted (grace period 0).
/// </summary>
public sealed partial class PodGarbageCollectorController : ControllerService
{
    /// <summary>Upstream's name: the service account and event reporter.</summary>
    public const string ControllerName = "pod-garbage-collector";

    /// <summary>Upstream's <c>gcCheckPeriod</c>.</summary>
    public static readonly TimeSpan CheckPeriod = TimeSpan.FromSeconds(20);

    /// <summary>Upstream's <c>quarantineTime</c> for nodes missing from the cache.</summary>
    public static readonly TimeSpan Quarantine = TimeSpan.FromSeconds(40);

    private const string Key = "podgc";
    private readonly ILister<V1Pod> _pods;
    private readonly ILister<V1Node> _nodes;
    private readonly int _threshold;
    private readonly Dictionary<string, DateTimeOffset> _missingSince = new(StringComparer.Ordinal);

    /// <summary>Creates the collector with upstream's threshold.</summary>
    [Microsoft.Extensions.DependencyInjection.ActivatorUtilitiesConstructor]
    public PodGarbageCollectorController(ControllerContext context)
        : this(context, PodGcRules.TerminatedThreshold)
    {
    }

    /// <summary>Creates the collector keeping at most <paramref name="threshold"/> finished pods.</summary>
    public PodGarbageCollectorController(ControllerContext context, int threshold)
        : base(context)
    {
        _threshold = threshold;
        _pods = Watch<V1Pod>().Lister;
        _nodes = Watch<V1Node>().Lister;
        Queue.Add(Key);
    }

    /// <inheritdoc />
    protected override async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        var pods = _pods.List();
        foreach (var pod in PodGcRules.TerminatedOverThreshold(pods, _threshold))
        {
            await ForceDeleteAsync(pod, null, cancellationToken);
        }

        await CollectOrphansAsync(pods, cancellationToken);
        foreach (var pod in pods)
        {
            if (PodGcRules.IsUnscheduledTerminating(pod))
            {
                await ForceDeleteAsync(pod, null, cancellationToken);
            }
            else if (pod.Spec?.NodeName is { Length: > 0 } node && PodGcRules.IsTerminatingOnOutOfServiceNode(pod, _nodes.Get(null, node)))
            {
                await ForceDeleteAsync(pod, PodGcRules.OutOfServiceCondition, cancellationToken);
            }
        }

        return ReconcileResult.RequeueAfter(CheckPeriod);
    }

    private async Task CollectOrphansAsync(IReadOnlyList<V1Pod> pods, CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        var missing = pods.Select(p => p.Spec?.NodeName).Where(n => !string.IsNullOrEmpty(n) && _nodes.Get(null, n!) is null).Distinct().ToHashSet()!;
        foreach (var gone in _missingSince.Keys.Where(n => !missing.Contains(n)).ToList())
        {
            _missingSince.Remove(gone);
        }

        foreach (var node in missing)
        {
            if (!_missingSince.TryGetValue(node!, out var since))
            {
                _missingSince[node!] = now;
                continue;
            }

            if (now - since < Quarantine || await NodeExistsAsync(node!, cancellationToken))
            {
                continue;
            }

            foreach (var pod in pods.Where(p => p.Spec?.NodeName == node))
            {
                Log.Orphaned(Logger, pod.Metadata.NamespaceProperty, pod.Metadata.Name, node!);
                await ForceDeleteAsync(pod, PodGcRules.OrphanCondition, cancellationToken);
            }
        }
    }

    private async Task<bool> NodeExistsAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await Client.CoreV1.ReadNodeAsync(name, cancellationToken: cancellationToken);
            return true;
        }
        catch (Exception e) when (KubeErrors.IsNotFound(e))
        {
            return false;
        }
    }

    private async Task ForceDeleteAsync(V1Pod pod, V1PodCondition? condition, CancellationToken cancellationToken)
    {
        var ns = pod.Metadata.NamespaceProperty;
        var name = pod.Metadata.Name;
        try
        {
            if (condition is not null && !PodGcRules.IsTerminated(pod))
            {
                condition.LastTransitionTime = Time.GetUtcNow().UtcDateTime;
                var patch = new { status = new { phase = "Failed", conditions = new[] { condition } } };
                await Client.CoreV1.PatchNamespacedPodStatusAsync(
                    new V1Patch(KubernetesJson.Serialize(patch), V1Patch.PatchType.StrategicMergePatch), name, ns, cancellationToken: cancellationToken);
            }

            await Client.CoreV1.DeleteNamespacedPodAsync(
                name, ns, new V1DeleteOptions { GracePeriodSeconds = 0, Preconditions = new V1Preconditions { Uid = pod.Metadata.Uid } }, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (KubeErrors.IsNotFound(e) || KubeErrors.IsConflict(e))
        {
            // Gone or replaced meanwhile.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "PodGC: deleting orphaned pod {Namespace}/{Name} (node {Node} no longer exists)")]
        public static partial void Orphaned(ILogger logger, string @namespace, string name, string node);
    }
}
