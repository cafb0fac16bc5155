using System.Collections.Concurrent;
using System.Diagnostics;
using k8s;
using k8s.Models;
using LocalKube.Abstractions.Node;
using LocalKube.Node.Client.Informers;
using LocalKube.Node.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace LocalKube.Client.Bench;

/// <summary>
/// Informers against the real agent in this process (Kestrel HTTPS on 127.0.0.1, embedded store, API server only),
/// listing and watching as the controller manager's identity, exactly as the agent's components do.
/// </summary>
internal static class InformerBench
{
    /// <summary>Initial sync: from the informer's start until every one of <paramref name="pods"/> pods reached its handler.</summary>
    public static async Task<IEnumerable<(string, string)>> SyncAsync(int pods, int runs)
    {
        await using var agent = await TestAgent.StartAsync();
        const string ns = "sync";
        await agent.Admin.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        var created = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, pods), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            await agent.Admin.CoreV1.CreateNamespacedPodAsync(Pod($"pod-{i:D5}"), ns, cancellationToken: ct));
        Console.WriteLine($"created {pods} pods in {created.Elapsed.TotalSeconds:F1} s");

        var client = agent.Clients.ClientFor(ComponentIdentity.ControllerManager);
        var times = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var informer = new SharedInformer<V1Pod>(client, new InformerOptions(Namespace: ns), NullLogger.Instance, TimeProvider.System);
            var added = 0;
            var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            informer.AddEventHandler(new ResourceEventHandler<V1Pod>(onAdd: (_, _) =>
            {
                if (Interlocked.Increment(ref added) == pods)
                {
                    all.TrySetResult();
                }
            }));
            using var stop = new CancellationTokenSource();
            var watch = Stopwatch.StartNew();
            var running = informer.RunAsync(stop.Token);
            await all.Task.WaitAsync(TimeSpan.FromMinutes(2));
            await informer.WaitForSyncAsync(CancellationToken.None);
            times.Add(watch.Elapsed.TotalMilliseconds);
            Console.WriteLine($"sync run {run + 1}: {watch.Elapsed.TotalMilliseconds:F0} ms");
            await stop.CancelAsync();
            await running;
        }

        return
        [
            ($"Informer initial sync of {pods:N0} pods (list + every add handled; median of {runs})", Percentiles.Format(Percentiles.Of(times, 50), "ms")
                + $" (runs: {string.Join(", ", times.Select(t => t.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))})"),
        ];
    }

    /// <summary>Write to handler: <paramref name="events"/> ConfigMap updates, each reaching all <paramref name="informers"/> informers.</summary>
    public static async Task<IEnumerable<(string, string)>> DeliveryAsync(int informers, int events)
    {
        await using var agent = await TestAgent.StartAsync();
        const string ns = "delivery";
        await agent.Admin.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        await agent.Admin.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "cm" } }, ns);

        const int warmup = 10;
        var sent = new long[warmup + events];
        var latencies = new ConcurrentBag<double>();
        var delivered = 0;
        using var stop = new CancellationTokenSource();
        var running = new List<Task>();
        for (var i = 0; i < informers; i++)
        {
            // Each informer its own client and watch, as separate components would have.
            var informer = new SharedInformer<V1ConfigMap>(agent.CreateClient(ComponentIdentity.ControllerManager), new InformerOptions(Namespace: ns), NullLogger.Instance, TimeProvider.System);
            informer.AddEventHandler(new ResourceEventHandler<V1ConfigMap>(onUpdate: (_, updated) =>
            {
                var now = Stopwatch.GetTimestamp();
                if (updated.Data?.TryGetValue("i", out var text) == true && int.Parse(text, System.Globalization.CultureInfo.InvariantCulture) is var n && n >= warmup)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(Volatile.Read(ref sent[n]), now).TotalMilliseconds);
                    Interlocked.Increment(ref delivered);
                }
            }));
            running.Add(informer.RunAsync(stop.Token));
            await informer.WaitForSyncAsync(CancellationToken.None);
        }

        for (var i = 0; i < warmup + events; i++)
        {
            Volatile.Write(ref sent[i], Stopwatch.GetTimestamp());
            var patch = new V1Patch($"{{\"data\":{{\"i\":\"{i}\"}}}}", V1Patch.PatchType.MergePatch);
            await agent.Admin.CoreV1.PatchNamespacedConfigMapAsync(patch, "cm", ns);
            await Task.Delay(20);
        }

        var deadline = Stopwatch.StartNew();
        while (Volatile.Read(ref delivered) < informers * events && deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(50);
        }

        await stop.CancelAsync();
        await Task.WhenAll(running);
        var values = latencies.ToList();
        Console.WriteLine($"delivered {values.Count} of {informers * events}");
        return
        [
            ($"Event delivery, write to handler, {informers} informers × {events} updates: p50", Percentiles.Format(Percentiles.Of(values, 50), "ms")),
            ($"Event delivery, write to handler, {informers} informers × {events} updates: p99", Percentiles.Format(Percentiles.Of(values, 99), "ms")),
            ($"Event delivery: max / delivered", Percentiles.Format(values.Max(), "ms") + $" / {values.Count} of {informers * events}"),
        ];
    }

    private static V1Pod Pod(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = "bench" } },
        Spec = new V1PodSpec
        {
            AutomountServiceAccountToken = false,
            Containers = [new V1Container { Name = "app", Image = "registry.k8s.io/pause:3.10", Ports = [new V1ContainerPort { ContainerPort = 8080 }] }],
        },
    };
}
