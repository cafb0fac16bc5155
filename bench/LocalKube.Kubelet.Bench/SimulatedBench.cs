using System.Diagnostics;
using System.Globalization;
using k8s;
using k8s.Models;
using LocalKube.Node.Hosting;
using LocalKube.Node.Testing;

namespace LocalKube.Kubelet.Bench;

/// <summary>
/// The simulated runtime at scale: a fresh in-process agent (store, API server, the kubelet and its simulated runtime;
/// no scheduler: the pods name the node) per round; pods created 16 at a time as fast as the API server takes them,
/// timed from the first create to the watch event of the last pod Running.
/// </summary>
internal static class SimulatedBench
{
    public static async Task RunAsync(int pods, int rounds, CancellationToken cancellationToken)
    {
        var results = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var options = new TestAgentOptions();
            options.Components.Add(NodeComponent.ContainerRuntime);
            options.Components.Add(NodeComponent.Kubelet);
            // Admission by pod count is not what is measured: room for every pod.
            options.ExtraConfig.Add("kubelet.max-pods=" + (pods + 10).ToString(CultureInfo.InvariantCulture));
            await using var agent = await TestAgent.StartAsync(options, cancellationToken);
            await using var watch = await PodWatch.StartAsync(agent.Admin, "default", PodWatch.IsRunning, cancellationToken);

            var names = Enumerable.Range(0, pods).Select(i => "sim-" + i.ToString(CultureInfo.InvariantCulture)).ToList();
            var start = Stopwatch.GetTimestamp();
            await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (name, ct) =>
                await agent.Admin.CoreV1.CreateNamespacedPodAsync(Pod(name, agent.TestOptions.NodeName), "default", cancellationToken: ct));
            var created = Stopwatch.GetElapsedTime(start).TotalSeconds;
            var running = await Task.WhenAll(names.Select(n => watch.ReachedAsync(n, TimeSpan.FromMinutes(5), cancellationToken)));
            var all = Stopwatch.GetElapsedTime(start, running.Max()).TotalSeconds;
            results.Add(all);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"simulated round {round + 1}: {pods} creates done in {created:F2} s; all Running {all:F2} s after the first create; load {Load.Average()}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"simulated: {pods} pods -> all Running: median {results.Order().ElementAt(results.Count / 2):F2} s over {rounds} rounds (target <= 3 s for 1,000)"));
    }

    private static V1Pod Pod(string name, string node) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PodSpec
        {
            NodeName = node,
            AutomountServiceAccountToken = false,
            Containers = [new V1Container { Name = "app", Image = "busybox:1.36" }],
        },
    };
}
