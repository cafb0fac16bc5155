using LocalKube.Node.Scheduler.Framework;

namespace LocalKube.Node.Scheduler.Plugins;

/// <summary>Rejects nodes where a requested host port (protocol, IP, port) is already taken.</summary>
public sealed class NodePorts : SchedulerPlugin
{
    /// <summary>Upstream's reason text.</summary>
    public const string Reason = "node(s) didn't have free ports for the requested pod ports";

    /// <inheritdoc />
    public override string Name => "NodePorts";

    /// <inheritdoc />
    public override ClusterEvents Events => ClusterEvents.NodeAdd | ClusterEvents.AssignedPodDelete;

    /// <inheritdoc />
    public override PreFilterResult PreFilter(CycleState state, PodInfo pod, ClusterSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return pod.HostPorts.Count == 0 ? PreFilterResult.Skip : PreFilterResult.Continue;
    }

    /// <inheritdoc />
    public override PluginStatus? Filter(CycleState state, PodInfo pod, NodeInfo node)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(node);
        foreach (var wanted in pod.HostPorts)
        {
            foreach (var used in node.UsedPorts)
            {
                if (wanted.ConflictsWith(used))
                {
                    return PluginStatus.Unschedulable(Reason);
                }
            }
        }

        return null;
    }
}
