using k8s.Models;

namespace LocalKube.Node.Controllers.NodeLifecycle;

/// <summary>
/// What the node lifecycle controller remembers of one node (upstream's <c>nodeHealthData</c>): the status it last
/// saw, when it last saw the kubelet alive (a new Ready heartbeat or a renewed Lease), and the Lease.
/// </summary>
internal sealed class NodeHealth
{
    /// <summary>The node status as last observed.</summary>
    public V1NodeStatus? Status { get; set; }

    /// <summary>When the kubelet was last seen alive.</summary>
    public DateTimeOffset ProbeTimestamp { get; set; }

    /// <summary>When the Ready condition last changed, as far as this controller knows.</summary>
    public DateTimeOffset ReadyTransitionTimestamp { get; set; }

    /// <summary>The Lease's renew time as last observed.</summary>
    public DateTime? LeaseRenewTime { get; set; }
}
