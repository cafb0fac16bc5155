using k8s.Models;

namespace LocalKube.Node.Controllers.NodeLifecycle;

/// <summary>Zone keys and states (upstream <c>nodetopology.GetZoneKey</c> and <c>ComputeZoneState</c>).</summary>
internal static class Zones
{
    /// <summary>Upstream's <c>--unhealthy-zone-threshold</c>.</summary>
    public const double UnhealthyThreshold = 0.55;

    /// <summary>The zone key of a node: region and zone labels joined by <c>:\x00:</c>, "" without them.</summary>
    public static string KeyOf(V1Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var labels = node.Metadata?.Labels;
        string? region = null;
        string? zone = null;
        if (labels is not null)
        {
            region = labels.TryGetValue("topology.kubernetes.io/region", out var r) ? r : labels.TryGetValue("failure-domain.beta.kubernetes.io/region", out var br) ? br : null;
            zone = labels.TryGetValue("topology.kubernetes.io/zone", out var z) ? z : labels.TryGetValue("failure-domain.beta.kubernetes.io/zone", out var bz) ? bz : null;
        }

        return region is null && zone is null ? "" : $"{region}:\x00:{zone}";
    }

    /// <summary>The state of a zone whose nodes have these Ready conditions.</summary>
    public static ZoneState StateOf(IEnumerable<V1NodeCondition?> readyConditions)
    {
        var ready = 0;
        var notReady = 0;
        foreach (var c in readyConditions)
        {
            if (c?.Status == "True")
            {
                ready++;
            }
            else
            {
                notReady++;
            }
        }

        return ready == 0 && notReady > 0 ? ZoneState.FullDisruption
            : notReady > 2 && (double)notReady / (notReady + ready) >= UnhealthyThreshold ? ZoneState.PartialDisruption
            : ZoneState.Normal;
    }
}
