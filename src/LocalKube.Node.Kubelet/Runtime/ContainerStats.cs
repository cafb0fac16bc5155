namespace LocalKube.Node.Kubelet.Runtime;

/// <summary>A running container's usage (the CRI's ContainerStats, for /stats/summary and metrics).</summary>
/// <param name="ContainerId">The container.</param>
/// <param name="Timestamp">When it was sampled.</param>
/// <param name="CpuUsageCoreNanoSeconds">Cumulative CPU time.</param>
/// <param name="MemoryUsageBytes">Memory usage including cache.</param>
/// <param name="MemoryWorkingSetBytes">Usage minus inactive file cache (what eviction and kubectl top use).</param>
/// <param name="MemoryRssBytes">Anonymous memory.</param>
/// <param name="PageFaults">Page faults.</param>
/// <param name="MajorPageFaults">Major page faults.</param>
/// <param name="NetworkRxBytes">Bytes received by the pod's interface (sandbox only; 0 otherwise).</param>
/// <param name="NetworkTxBytes">Bytes sent by the pod's interface (sandbox only; 0 otherwise).</param>
public sealed record ContainerStats(
    string ContainerId,
    DateTimeOffset Timestamp,
    ulong CpuUsageCoreNanoSeconds,
    ulong MemoryUsageBytes,
    ulong MemoryWorkingSetBytes,
    ulong MemoryRssBytes,
    ulong PageFaults,
    ulong MajorPageFaults,
    ulong NetworkRxBytes,
    ulong NetworkTxBytes);
