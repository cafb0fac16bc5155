namespace LocalKube.Node.Kubelet.Runtime;

/// <summary>A container's cgroup settings, already converted from requests and limits (node-reference §6.5).</summary>
public sealed record ContainerResources
{
    /// <summary>cpu.shares: millicores × 1024 / 1000, at least 2.</summary>
    public long CpuShares { get; init; } = 2;

    /// <summary>CFS quota in µs per <see cref="CpuPeriod"/>; 0 for no limit.</summary>
    public long CpuQuota { get; init; }

    /// <summary>CFS period in µs (100 000).</summary>
    public long CpuPeriod { get; init; } = 100_000;

    /// <summary>Memory limit in bytes; 0 for none. Swap is limited to the same value.</summary>
    public long MemoryLimitBytes { get; init; }

    /// <summary>oom_score_adj from the QoS class.</summary>
    public int OomScoreAdj { get; init; }
}
