using LocalKube.Node.Scheduler.Framework;

namespace LocalKube.Node.Scheduler.Plugins;

/// <summary>Prefers nodes whose CPU and memory would be used in similar proportions (NodeResourcesBalancedAllocation).</summary>
public sealed class BalancedAllocation : SchedulerPlugin
{
    /// <inheritdoc />
    public override string Name => "NodeResourcesBalancedAllocation";

    /// <inheritdoc />
    public override int ScoreWeight => 1;

    /// <inheritdoc />
    public override bool Filters => false;

    /// <inheritdoc />
    public override long Score(CycleState state, PodInfo pod, NodeInfo node)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(node);
        var cpu = Fraction(node.Requested.MilliCpu + pod.Requests.MilliCpu, node.Allocatable.MilliCpu);
        var memory = Fraction(node.Requested.Memory + pod.Requests.Memory, node.Allocatable.Memory);

        // With two resources the standard deviation is half their difference.
        var std = Math.Abs(cpu - memory) / 2;
        return (long)((1 - std) * MaxNodeScore);
    }

    private static double Fraction(long requested, long capacity) =>
        capacity == 0 ? 1 : Math.Min(1, (double)requested / capacity);
}
