using k8s.Models;
using LocalKube.Node.Machinery.Scheduling;
using LocalKube.Node.Scheduler.Framework;

namespace LocalKube.Node.Scheduler.Plugins;

/// <summary>Rejects cordoned nodes unless the pod tolerates <c>node.kubernetes.io/unschedulable:NoSchedule</c>.</summary>
public sealed class NodeUnschedulable : SchedulerPlugin
{
    /// <summary>Upstream's reason text.</summary>
    public const string Reason = "node(s) were unschedulable";

    private static readonly V1Taint UnschedulableTaint = new() { Key = "node.kubernetes.io/unschedulable", Effect = "NoSchedule" };

    /// <inheritdoc />
    public override string Name => "NodeUnschedulable";

    /// <inheritdoc />
    public override ClusterEvents Events => ClusterEvents.NodeAdd | ClusterEvents.NodeTaint | ClusterEvents.PodUpdate;

    /// <inheritdoc />
    public override PluginStatus? Filter(CycleState state, PodInfo pod, NodeInfo node)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(node);
        if (node.Node?.Spec?.Unschedulable != true || Tolerations.AnyTolerates(pod.Pod.Spec?.Tolerations, UnschedulableTaint))
        {
            return null;
        }

        return PluginStatus.Unresolvable(Reason);
    }
}
