using k8s.Models;

namespace LocalKube.Node.Controllers.NodeLifecycle;

/// <summary>
/// A zone's health (upstream's <c>ComputeZoneState</c>): fully disrupted when no node is Ready, partially when more
/// than two are not and they are at least 55 % of the zone. When every zone is fully disrupted (on a single-node
/// cluster: the node is not Ready) the controller stops NoExecute tainting and evictions altogether, because the
/// control plane cannot tell a dead node from its own network trouble.
/// </summary>
internal enum ZoneState
{
    /// <summary>Not seen yet.</summary>
    Initial,

    /// <summary>Healthy enough.</summary>
    Normal,

    /// <summary>Many nodes not Ready.</summary>
    PartialDisruption,

    /// <summary>No node Ready.</summary>
    FullDisruption,
}
