using System.Diagnostics;
using System.Globalization;
using k8s;
using k8s.Models;
using LocalKube.Node.Hosting;
using LocalKube.Node.Testing;

// The scheduler and controller benchmarks of issue 11, each on a fresh in-process agent with the simulated runtime
// (the agent's own scheduler, controllers and kubelet; nothing faked). Usage:
//   dotnet run -c Release --project bench/LocalKube.Controllers.Bench -- [scheduler|deployment|tenk|rolling|all] [scale]
// scale (default 1) divides the pod counts, for a quick run on a busy machine.
var which = args.Length > 0 ? args[0] : "all";
var scale = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1;
Console.WriteLine($"LocalKube controller benchmarks ({which}, scale 1/{scale}); load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");

if (which is "scheduler" or "all")
{
    await Bench.SchedulerAsync(5000 / scale);
}

if (which is "deployment" or "all")
{
    await Bench.DeploymentAsync(1000 / scale);
}

if (which is "tenk" or "all")
{
    await Bench.TenThousandAsync(10, 1000 / scale);
}

if (which is "rolling" or "all")
{
    await Bench.RollingUpdateAsync(100 / Math.Min(scale, 10));
}

internal static class Bench
{
    /// <summary>
    /// Scheduler alone: pending pods created while no node exists (all unschedulable), then the node appears; the
    /// time until every pod is bound gives pods per second.
    /// </summary>
    public static async Task SchedulerAsync(int pods)
    {
        var options = new TestAgentOptions();
        options.Components.Add(NodeComponent.Scheduler);
        await using var agent = await TestAgent.StartAsync(options);
        await CreatePodsAsync(agent, "sched", pods);
        await Task.Delay(TimeSpan.FromSeconds(5));

        var clock = Stopwatch.StartNew();
        await NodeAsync(agent, "bench-node");
        var bound = await WaitAsync(
            async () => (await agent.Admin.CoreV1.ListNamespacedPodAsync("sched", fieldSelector: "spec.nodeName=bench-node")).Items.Count, pods, TimeSpan.FromMinutes(10));
        Report("scheduler: pending pods bound after the node appears", pods, bound, clock.Elapsed, $"{bound / clock.Elapsed.TotalSeconds:F0} pods/s (target >= 1000 pods/s)");
    }

    /// <summary>One Deployment of <paramref name="replicas"/> on the simulated runtime until all available.</summary>
    public static async Task DeploymentAsync(int replicas)
    {
        await using var agent = await FullAgentAsync();
        var clock = Stopwatch.StartNew();
        await agent.Admin.AppsV1.CreateNamespacedDeploymentAsync(Deployment("big", replicas, "nginx:1"), "default");
        var available = await WaitAsync(async () => (await agent.Admin.AppsV1.ReadNamespacedDeploymentAsync("big", "default")).Status?.AvailableReplicas ?? 0, replicas, TimeSpan.FromMinutes(10));
        Report("deployment: all replicas available", replicas, available, clock.Elapsed, "target <= 5 s for 1,000");
    }

    /// <summary><paramref name="count"/> Deployments of <paramref name="replicas"/>: all Running, then the agent's RSS.</summary>
    public static async Task TenThousandAsync(int count, int replicas)
    {
        await using var agent = await FullAgentAsync();
        var total = count * replicas;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        var from = (await agent.Admin.CoreV1.ListNamespacedPodAsync("default", limit: 1)).Metadata.ResourceVersion;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes();
        var clock = Stopwatch.StartNew();
        var watching = CountRunningAsync(agent, "default", from, total, timeout.Token);
        for (var i = 0; i < count; i++)
        {
            await agent.Admin.AppsV1.CreateNamespacedDeploymentAsync(Deployment("d" + i, replicas, "nginx:1"), "default");
        }

        var running = await watching;
        var elapsed = clock.Elapsed;

        // What the run cost the process (agent and client): CPU, allocations and collections, for comparing builds on
        // a shared machine where the elapsed time alone varies with the load.
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"GCs gen0/1/2: {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}, pause {GC.GetTotalPauseDuration().TotalSeconds:F1} s, allocated {(GC.GetTotalAllocatedBytes() - allocated) / (1024.0 * 1024 * 1024):F1} GiB, heap {GC.GetGCMemoryInfo().HeapSizeBytes / (1024.0 * 1024):F0} MiB, CPU {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:F1} s"));
        GC.Collect();
        var rss = Process.GetCurrentProcess().WorkingSet64 / (1024.0 * 1024);
        Report($"{count} deployments x {replicas}: all Running", total, running, elapsed, $"target <= 20 s for 10,000; process RSS {rss:F0} MiB (agent in-process with the bench client; target <= 600 MiB)");
    }

    /// <summary>A rolling update of a Deployment of <paramref name="replicas"/> until the new ReplicaSet is all available.</summary>
    public static async Task RollingUpdateAsync(int replicas)
    {
        await using var agent = await FullAgentAsync();
        await agent.Admin.AppsV1.CreateNamespacedDeploymentAsync(Deployment("roll", replicas, "nginx:1"), "default");
        await WaitAsync(async () => (await agent.Admin.AppsV1.ReadNamespacedDeploymentAsync("roll", "default")).Status?.AvailableReplicas ?? 0, replicas, TimeSpan.FromMinutes(5));
        var clock = Stopwatch.StartNew();
        var patch = new V1Patch("{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx:2\"}]}}}}", V1Patch.PatchType.StrategicMergePatch);
        var generation = (await agent.Admin.AppsV1.PatchNamespacedDeploymentAsync(patch, "roll", "default")).Metadata.Generation;
        var done = await WaitAsync(
            async () =>
            {
                var d = await agent.Admin.AppsV1.ReadNamespacedDeploymentAsync("roll", "default");
                var complete = d.Status?.ObservedGeneration >= generation && d.Status.UpdatedReplicas == replicas && d.Status.AvailableReplicas == replicas && d.Status.Replicas == replicas;
                // Until complete, below the target: the old status (before the controller saw the change) already
                // counts every replica as updated.
                return complete ? replicas : Math.Min(d.Status?.UpdatedReplicas ?? 0, replicas - 1);
            },
            replicas,
            TimeSpan.FromMinutes(5));
        Report("rolling update complete", replicas, done, clock.Elapsed, "target <= 10 s for 100");
    }

    private static async Task<TestAgent> FullAgentAsync()
    {
        var options = new TestAgentOptions();
        options.Components.Add(NodeComponent.Scheduler);
        options.Components.Add(NodeComponent.Controllers);
        options.Components.Add(NodeComponent.Kubelet);
        options.ExtraConfig.Add("kubelet.max-pods=20000");
        return await TestAgent.StartAsync(options);
    }

    private static async Task NodeAsync(TestAgent agent, string name)
    {
        var allocatable = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("1000"), ["memory"] = new("1000Gi"), ["pods"] = new("100000") };
        await agent.Admin.CoreV1.CreateNodeAsync(new V1Node { Metadata = new V1ObjectMeta { Name = name } });
        var node = await agent.Admin.CoreV1.ReadNodeAsync(name);
        node.Status = new V1NodeStatus
        {
            Allocatable = allocatable,
            Capacity = allocatable,
            Conditions = [new V1NodeCondition { Type = "Ready", Status = "True", Reason = "KubeletReady", LastHeartbeatTime = DateTime.UtcNow, LastTransitionTime = DateTime.UtcNow }],
        };
        await agent.Admin.CoreV1.ReplaceNodeStatusAsync(node, name);
    }

    private static async Task CreatePodsAsync(TestAgent agent, string ns, int count)
    {
        await agent.Admin.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            await agent.Admin.CoreV1.CreateNamespacedPodAsync(
                new V1Pod
                {
                    Metadata = new V1ObjectMeta { Name = "p" + i.ToString(CultureInfo.InvariantCulture) },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "nginx", Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("10m") } } }] },
                },
                ns,
                cancellationToken: ct));
    }

    private static V1Deployment Deployment(string name, int replicas, string image) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = image }] },
            },
        },
    };

    // Counts the pods of a namespace that reach Running, from one watch: polling a list of 10,000 pods would make
    // the bench's own decoding (and its garbage) a large share of what is measured on 2 cores.
    private static async Task<int> CountRunningAsync(TestAgent agent, string ns, string from, int target, CancellationToken cancellationToken)
    {
        var running = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await foreach (var (type, pod) in agent.Admin.CoreV1.WatchListNamespacedPodAsync(ns, resourceVersion: from, cancellationToken: cancellationToken))
            {
                if (type == WatchEventType.Deleted || pod.Status?.Phase != "Running")
                {
                    running.Remove(pod.Metadata.Name);
                }
                else if (running.Add(pod.Metadata.Name) && running.Count >= target)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        return running.Count;
    }

    private static async Task<int> WaitAsync(Func<Task<int>> read, int target, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        var value = await read();
        while (value < target && deadline.Elapsed < timeout)
        {
            await Task.Delay(100);
            value = await read();
        }

        return value;
    }

    private static void Report(string what, int target, int reached, TimeSpan elapsed, string note) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what}: {reached}/{target} in {elapsed.TotalSeconds:F2} s; {note}"));
}
