using System.Text.Json.Serialization;

namespace LocalKube.Core.Profiles;

/// <summary>What a node runs.</summary>
public enum NodeRole
{
    /// <summary>API server, storage and controllers (plus workloads on a single-node cluster).</summary>
    [JsonStringEnumMemberName("control-plane")]
    ControlPlane = 0,

    /// <summary>Workloads only.</summary>
    [JsonStringEnumMemberName("worker")]
    Worker = 1,
}
