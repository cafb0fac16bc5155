using LocalKube.Node.Machinery.Resources;
using LocalKube.Node.Scheduler.Framework;

namespace LocalKube.Node.Scheduler.Plugins;

/// <summary>
/// Rejects nodes whose allocatable resources, less what their pods request, cannot hold the pod's requests, or
/// that are at their pod count; scores by the LeastAllocated strategy (CPU and memory, weight 1 each).
/// </summary>
/// <remarks>
/// Emulates 1.32: every shortfall is <see cref="StatusCode.Unschedulable"/>, so the preemption part reads "No
/// preemption victims found for incoming pod" even when the pod is larger than the whole node (1.34 made that case
/// unresolvable).
/// </remarks>
public sealed class NodeResourcesFit : SchedulerPlugin
{
    /// <summary>Upstream's reason when the node is at its pod count.</summary>
    public const string TooManyPods = "Too many pods";

    /// <inheritdoc />
    public override string Name => "NodeResourcesFit";

    /// <inheritdoc />
    public override int ScoreWeight => 1;

    /// <inheritdoc />
    public override ClusterEvents Events =>
        ClusterEvents.NodeAdd | ClusterEvents.NodeAllocatable | ClusterEvents.AssignedPodDelete | ClusterEvents.AssignedPodScaleDown | ClusterEvents.PodUpdate;

    /// <summary>The reasons <paramref name="pod"/> does not fit <paramref name="node"/> (empty when it does).</summary>
    public static List<string> InsufficientResources(PodInfo pod, NodeInfo node) => Check(pod, node) ?? [];

    // Allocates only when something does not fit: the filter runs for every node of every attempt.
    private static List<string>? Check(PodInfo pod, NodeInfo node)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(node);
        return ResourceFit.Shortfalls(pod.Requests, node.Requested, node.Allocatable, node.PodCount)?
            .Select(s => s.Resource == ResourceFit.Pods ? TooManyPods : "Insufficient " + s.Resource)
            .ToList();
    }

    /// <inheritdoc />
    public override PluginStatus? Filter(CycleState state, PodInfo pod, NodeInfo node) =>
        Check(pod, node) is { } reasons ? new PluginStatus(StatusCode.Unschedulable, reasons) : null;

    /// <inheritdoc />
    public override long Score(CycleState state, PodInfo pod, NodeInfo node)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(node);
        var cpu = LeastRequested(node.NonZeroRequested.MilliCpu + pod.NonZeroRequests.MilliCpu, node.Allocatable.MilliCpu);
        var memory = LeastRequested(node.NonZeroRequested.Memory + pod.NonZeroRequests.Memory, node.Allocatable.Memory);
        return (cpu + memory) / 2;
    }

    private static long LeastRequested(long requested, long capacity) =>
        capacity == 0 || requested > capacity ? 0 : (capacity - requested) * MaxNodeScore / capacity;
}
