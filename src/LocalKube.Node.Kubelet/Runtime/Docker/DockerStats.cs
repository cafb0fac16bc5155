using Docker.DotNet.Models;

namespace LocalKube.Node.Kubelet.Runtime.Docker;

/// <summary>Docker's stats sample as the CRI's numbers (working set = usage − inactive file cache, as cAdvisor).</summary>
internal static class DockerStats
{
    public static ContainerStats Convert(string containerId, ContainerStatsResponse sample)
    {
        var memory = sample.MemoryStats ?? new MemoryStats();
        var stats = memory.Stats ?? new Dictionary<string, ulong>();

        // cgroup v1 names first (total_* covers children), then v2.
        ulong Stat(params string[] names)
        {
            foreach (var n in names)
            {
                if (stats.TryGetValue(n, out var v))
                {
                    return v;
                }
            }

            return 0;
        }

        var inactiveFile = Stat("total_inactive_file", "inactive_file");
        var workingSet = memory.Usage > inactiveFile ? memory.Usage - inactiveFile : 0;
        ulong rx = 0;
        ulong tx = 0;
        foreach (var network in sample.Networks?.Values ?? [])
        {
            rx += network.RxBytes;
            tx += network.TxBytes;
        }

        return new ContainerStats(
            containerId,
            new DateTimeOffset(DateTime.SpecifyKind(sample.Read, DateTimeKind.Utc)),
            sample.CPUStats?.CPUUsage?.TotalUsage ?? 0,
            memory.Usage,
            workingSet,
            Stat("total_rss", "anon"),
            Stat("total_pgfault", "pgfault"),
            Stat("total_pgmajfault", "pgmajfault"),
            rx,
            tx);
    }
}
