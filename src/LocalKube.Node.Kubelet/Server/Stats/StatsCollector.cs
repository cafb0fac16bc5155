using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s.Models;
using LocalKube.Node.Kubelet.Runtime;

namespace LocalKube.Node.Kubelet.Server.Stats;

/// <summary>
/// <c>/stats/summary</c> (stats/v1alpha1 Summary: node and pods with CPU, memory, network, filesystem) and
/// <c>/metrics/resource</c> (Prometheus text with timestamps, what metrics-server scrapes). CPU rates
/// (<c>usageNanoCores</c>) come from the previous sample of the same container.
/// </summary>
internal sealed class StatsCollector(IKubeletPodSource source, string rootDirectory, DateTimeOffset startTime, TimeProvider time)
{
    // Engine stats requests in flight at once while sampling.
    private const int StatsConcurrency = 8;
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, ulong Cpu)> _previous = new(StringComparer.Ordinal);

    /// <summary>The Summary as JSON.</summary>
    public async Task<byte[]> SummaryAsync(CancellationToken cancellationToken)
    {
        var (node, pods) = await SampleAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var stamp = Time(now);
        var summary = new JsonObject
        {
            ["node"] = new JsonObject
            {
                ["nodeName"] = source.NodeName,
                ["systemContainers"] = new JsonArray(),
                ["startTime"] = Time(startTime),
                ["cpu"] = Cpu(stamp, "node", node.CpuUsageCoreNanoSeconds, now),
                ["memory"] = Memory(stamp, node.MemoryAvailableBytes, node.MemoryUsageBytes, node.MemoryWorkingSetBytes, node.MemoryRssBytes, node.PageFaults, node.MajorPageFaults),
                ["network"] = Network(stamp, node.Interface, node.RxBytes, node.TxBytes, node.RxErrors, node.TxErrors),
                ["fs"] = Fs(stamp, node.FsCapacityBytes, node.FsAvailableBytes),
                ["runtime"] = new JsonObject
                {
                    ["imageFs"] = Fs(stamp, node.FsCapacityBytes, node.FsAvailableBytes),
                    ["containerFs"] = Fs(stamp, node.FsCapacityBytes, node.FsAvailableBytes),
                },
                ["rlimit"] = new JsonObject { ["time"] = stamp, ["maxpid"] = node.MaxPid, ["curproc"] = node.Processes },
            },
            ["pods"] = new JsonArray([.. pods.Select(p => PodJson(p, stamp, now, node))]),
        };
        return JsonSerializer.SerializeToUtf8Bytes(summary);
    }

    /// <summary>The resource metrics in Prometheus text format.</summary>
    public async Task<string> ResourceMetricsAsync(CancellationToken cancellationToken)
    {
        var error = 0;
        NodeUsage node;
        List<PodSample> pods;
        try
        {
            (node, pods) = await SampleAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ContainerRuntimeException or RuntimeUnavailableException)
        {
            (node, pods, error) = (NodeUsage.Read(rootDirectory), [], 1);
        }

        var ms = time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var text = new StringBuilder();
        void Family(string name, string type, string help, IEnumerable<(string Labels, double Value)> samples)
        {
            text.Append("# HELP ").Append(name).Append(" [STABLE] ").Append(help).Append('\n');
            text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
            foreach (var (labels, value) in samples)
            {
                text.Append(name).Append(labels).Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append(' ').Append(ms).Append('\n');
            }
        }

        var containers = pods.SelectMany(p => p.Containers.Select(c => (Pod: p, Container: c))).ToList();
        static string Labels(PodSample p, string? container) => container is null
            ? $"{{namespace=\"{p.Pod.Metadata.NamespaceProperty}\",pod=\"{p.Pod.Metadata.Name}\"}}"
            : $"{{container=\"{container}\",namespace=\"{p.Pod.Metadata.NamespaceProperty}\",pod=\"{p.Pod.Metadata.Name}\"}}";
        Family("container_cpu_usage_seconds_total", "counter", "Cumulative cpu time consumed by the container in core-seconds",
            containers.Select(c => (Labels(c.Pod, c.Container.Name), c.Container.Stats.CpuUsageCoreNanoSeconds / 1e9)));
        Family("container_memory_working_set_bytes", "gauge", "Current working set of the container in bytes",
            containers.Select(c => (Labels(c.Pod, c.Container.Name), (double)c.Container.Stats.MemoryWorkingSetBytes)));
        Family("container_start_time_seconds", "gauge", "Start time of the container since unix epoch in seconds",
            containers.Select(c => (Labels(c.Pod, c.Container.Name), c.Container.StartedAt.ToUnixTimeMilliseconds() / 1000.0)));
        Family("node_cpu_usage_seconds_total", "counter", "Cumulative cpu time consumed by the node in core-seconds", [("", node.CpuUsageCoreNanoSeconds / 1e9)]);
        Family("node_memory_working_set_bytes", "gauge", "Current working set of the node in bytes", [("", node.MemoryWorkingSetBytes)]);
        Family("pod_cpu_usage_seconds_total", "counter", "Cumulative cpu time consumed by the pod in core-seconds",
            pods.Select(p => (Labels(p, null), p.Containers.Sum(c => (double)c.Stats.CpuUsageCoreNanoSeconds) / 1e9)));
        Family("pod_memory_working_set_bytes", "gauge", "Current working set of the pod in bytes",
            pods.Select(p => (Labels(p, null), p.Containers.Sum(c => (double)c.Stats.MemoryWorkingSetBytes))));
        text.Append("# HELP resource_scrape_error [STABLE] 1 if there was an error while getting container metrics, 0 otherwise\n");
        text.Append("# TYPE resource_scrape_error gauge\n");
        text.Append("resource_scrape_error ").Append(error).Append('\n');
        return text.ToString();
    }

    private async Task<(NodeUsage Node, List<PodSample> Pods)> SampleAsync(CancellationToken cancellationToken)
    {
        var node = NodeUsage.Read(rootDirectory);
        var runtime = source.Runtime;
        var all = await runtime.ListContainersAsync(null, cancellationToken).ConfigureAwait(false);
        var sandboxes = await runtime.ListPodSandboxesAsync(null, cancellationToken).ConfigureAwait(false);

        // One engine request per container, a few at a time: one after another they took seconds per scrape with a
        // few dozen pods (metrics-server gives up after 10 s).
        using var gate = new SemaphoreSlim(StatsConcurrency);
        async Task<ContainerStats?> StatsAsync(string id)
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await runtime.GetContainerStatsAsync(id, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
        }

        async Task<PodSample> PodAsync(V1Pod pod)
        {
            var running = all.Where(c => c.PodUid == pod.Metadata.Uid && c.State == ContainerState.Running).ToList();
            var stats = await Task.WhenAll(running.Select(c => StatsAsync(c.Id))).ConfigureAwait(false);
            var containers = running.Zip(stats)
                .Where(p => p.Second is not null)
                .Select(p => new ContainerSample(p.First.Metadata.Name, p.First.Id, p.First.CreatedAt, p.Second!))
                .ToList();
            var sandbox = sandboxes.FirstOrDefault(s => s.Metadata.Uid == pod.Metadata.Uid && s.State == PodSandboxState.Ready);
            var network = sandbox is not null && !sandbox.HostNetwork ? await StatsAsync(sandbox.Id).ConfigureAwait(false) : null;
            return new PodSample(pod, containers, network);
        }

        var pods = await Task.WhenAll(source.Pods.Select(PodAsync)).ConfigureAwait(false);
        return (node, [.. pods]);
    }

    private JsonObject PodJson(PodSample pod, string stamp, DateTimeOffset now, NodeUsage node)
    {
        var status = source.GetStatus(pod.Pod.Metadata.Uid) ?? pod.Pod.Status;
        var start = status?.StartTime is { } s ? Time(new DateTimeOffset(s.ToUniversalTime(), TimeSpan.Zero)) : Time(now);
        var cpu = pod.Containers.Aggregate(0UL, (sum, c) => sum + c.Stats.CpuUsageCoreNanoSeconds);
        var mem = pod.Containers.Aggregate(0UL, (sum, c) => sum + c.Stats.MemoryUsageBytes);
        var ws = pod.Containers.Aggregate(0UL, (sum, c) => sum + c.Stats.MemoryWorkingSetBytes);
        var rss = pod.Containers.Aggregate(0UL, (sum, c) => sum + c.Stats.MemoryRssBytes);
        var json = new JsonObject
        {
            ["podRef"] = new JsonObject { ["name"] = pod.Pod.Metadata.Name, ["namespace"] = pod.Pod.Metadata.NamespaceProperty, ["uid"] = pod.Pod.Metadata.Uid },
            ["startTime"] = start,
            ["containers"] = new JsonArray([.. pod.Containers.Select(c => (JsonNode)new JsonObject
            {
                ["name"] = c.Name,
                ["startTime"] = Time(c.StartedAt),
                ["cpu"] = Cpu(stamp, c.Id, c.Stats.CpuUsageCoreNanoSeconds, now),
                ["memory"] = Memory(stamp, null, c.Stats.MemoryUsageBytes, c.Stats.MemoryWorkingSetBytes, c.Stats.MemoryRssBytes, c.Stats.PageFaults, c.Stats.MajorPageFaults),
                ["rootfs"] = Fs(stamp, node.FsCapacityBytes, node.FsAvailableBytes),
                ["logs"] = Fs(stamp, node.FsCapacityBytes, node.FsAvailableBytes),
            })]),
            ["cpu"] = Cpu(stamp, "pod/" + pod.Pod.Metadata.Uid, cpu, now),
            ["memory"] = Memory(stamp, null, mem, ws, rss, 0, 0),
            ["volume"] = new JsonArray(),
            ["ephemeral-storage"] = Fs(stamp, node.FsCapacityBytes, node.FsAvailableBytes),
            ["process_stats"] = new JsonObject { ["process_count"] = 0 },
        };
        if (pod.Network is { } network)
        {
            json["network"] = Network(stamp, "eth0", network.NetworkRxBytes, network.NetworkTxBytes, 0, 0);
        }

        return json;
    }

    private JsonObject Cpu(string stamp, string key, ulong total, DateTimeOffset now)
    {
        var cpu = new JsonObject { ["time"] = stamp, ["usageCoreNanoSeconds"] = total };
        if (_previous.TryGetValue(key, out var last) && now > last.At && total >= last.Cpu)
        {
            cpu["usageNanoCores"] = (ulong)((total - last.Cpu) / (now - last.At).TotalSeconds);
        }
        else
        {
            cpu["usageNanoCores"] = 0;
        }

        _previous[key] = (now, total);
        return cpu;
    }

    private static JsonObject Memory(string stamp, ulong? available, ulong usage, ulong workingSet, ulong rss, ulong faults, ulong majorFaults)
    {
        var memory = new JsonObject { ["time"] = stamp };
        if (available is { } a)
        {
            memory["availableBytes"] = a;
        }

        memory["usageBytes"] = usage;
        memory["workingSetBytes"] = workingSet;
        memory["rssBytes"] = rss;
        memory["pageFaults"] = faults;
        memory["majorPageFaults"] = majorFaults;
        return memory;
    }

    private static JsonObject Network(string stamp, string name, ulong rx, ulong tx, ulong rxErrors, ulong txErrors)
    {
        var network = new JsonObject { ["time"] = stamp, ["name"] = name, ["rxBytes"] = rx, ["rxErrors"] = rxErrors, ["txBytes"] = tx, ["txErrors"] = txErrors };
        network["interfaces"] = new JsonArray(new JsonObject { ["name"] = name, ["rxBytes"] = rx, ["rxErrors"] = rxErrors, ["txBytes"] = tx, ["txErrors"] = txErrors });
        return network;
    }

    private static JsonObject Fs(string stamp, ulong capacity, ulong available) => new()
    {
        ["time"] = stamp,
        ["availableBytes"] = available,
        ["capacityBytes"] = capacity,
        ["usedBytes"] = capacity - available,
    };

    private static string Time(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private sealed record ContainerSample(string Name, string Id, DateTimeOffset StartedAt, ContainerStats Stats);

    private sealed record PodSample(V1Pod Pod, List<ContainerSample> Containers, ContainerStats? Network);
}
