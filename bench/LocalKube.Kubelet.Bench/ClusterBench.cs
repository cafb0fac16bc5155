using System.Diagnostics;
using System.Globalization;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace LocalKube.Kubelet.Bench;

/// <summary>
/// Pod startup on a running cluster (KUBECONFIG): pods with <c>spec.nodeName</c> set to its one node (no scheduler
/// in the path), a local image (<c>imagePullPolicy: Never</c>), timed from just before the create request to the
/// watch event that shows the Ready condition True.
/// </summary>
internal static class ClusterBench
{
    private const string Namespace = "kubelet-bench";

    /// <summary>One pod at a time, <paramref name="pods"/> times (after two warm-up pods): p50 / p99 of create → Ready.</summary>
    public static async Task StartupAsync(string image, int pods, CancellationToken cancellationToken)
    {
        using var client = Connect();
        var node = await PrepareAsync(client, cancellationToken);
        await using var watch = await PodWatch.StartAsync(client, Namespace, PodWatch.IsReady, cancellationToken);
        var seconds = new List<double>();
        for (var i = -2; i < pods; i++)
        {
            var name = "start-" + (i + 2).ToString(CultureInfo.InvariantCulture);
            var created = Stopwatch.GetTimestamp();
            await client.CoreV1.CreateNamespacedPodAsync(Pod(name, node, image), Namespace, cancellationToken: cancellationToken);
            var ready = await watch.ReachedAsync(name, TimeSpan.FromSeconds(60), cancellationToken);
            if (i >= 0)
            {
                seconds.Add(Stopwatch.GetElapsedTime(created, ready).TotalSeconds);
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"startup: {pods} pods one at a time, create -> Ready: p50 {Load.Ms(Load.Percentile(seconds, 50))}, p99 {Load.Ms(Load.Percentile(seconds, 99))}, " +
            $"min {Load.Ms(seconds.Min())}, max {Load.Ms(seconds.Max())} (target p50 <= 500 ms, p99 <= 1000 ms)"));
        Console.WriteLine("startup samples (ms): " + string.Join(' ', seconds.Select(s => (s * 1000).ToString("F0", CultureInfo.InvariantCulture))));
        await CleanAsync(client, cancellationToken);
    }

    /// <summary><paramref name="pods"/> pods created at once, <paramref name="rounds"/> times: create of the first → all Ready.</summary>
    public static async Task BurstAsync(string image, int pods, int rounds, CancellationToken cancellationToken)
    {
        using var client = Connect();
        var node = await PrepareAsync(client, cancellationToken);
        var results = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            await using var watch = await PodWatch.StartAsync(client, Namespace, PodWatch.IsReady, cancellationToken);
            var names = Enumerable.Range(0, pods).Select(i => string.Create(CultureInfo.InvariantCulture, $"burst-{round}-{i}")).ToList();
            var created = Stopwatch.GetTimestamp();
            await Task.WhenAll(names.Select(n => client.CoreV1.CreateNamespacedPodAsync(Pod(n, node, image), Namespace, cancellationToken: cancellationToken)));
            var createdAll = Stopwatch.GetElapsedTime(created);
            var ready = await Task.WhenAll(names.Select(n => watch.ReachedAsync(n, TimeSpan.FromSeconds(120), cancellationToken)));
            var all = Stopwatch.GetElapsedTime(created, ready.Max()).TotalSeconds;
            var first = Stopwatch.GetElapsedTime(created, ready.Min()).TotalSeconds;
            results.Add(all);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"burst round {round + 1}: {pods} creates sent in {Load.Ms(createdAll.TotalSeconds)}; first Ready {Load.Ms(first)}, all Ready {Load.Ms(all)}; load {Load.Average()}"));
            await CleanAsync(client, cancellationToken);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"burst: {pods} pods at once -> all Ready: median {results.Order().ElementAt(results.Count / 2):F2} s over {rounds} rounds ({string.Join(", ", results.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))}) (target <= 6 s)"));
    }

    private static Kubernetes Connect() => new(KubernetesClientConfiguration.BuildDefaultConfig());

    /// <summary>A fresh namespace (deleting a leftover one first); returns the cluster's node.</summary>
    private static async Task<string> PrepareAsync(Kubernetes client, CancellationToken cancellationToken)
    {
        await DeleteNamespaceAsync(client, cancellationToken);
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Namespace } }, cancellationToken: cancellationToken);
        // The namespace's default ServiceAccount comes from a controller: the pods' admission needs it.
        for (var i = 0; i < 100 && (await client.CoreV1.ListNamespacedServiceAccountAsync(Namespace, cancellationToken: cancellationToken)).Items.Count == 0; i++)
        {
            await Task.Delay(100, cancellationToken);
        }

        return (await client.CoreV1.ListNodeAsync(cancellationToken: cancellationToken)).Items.Single().Metadata.Name;
    }

    /// <summary>Deletes the namespace's pods and waits until they are gone, so the next round starts on an idle node.</summary>
    private static async Task CleanAsync(Kubernetes client, CancellationToken cancellationToken)
    {
        await client.CoreV1.DeleteCollectionNamespacedPodAsync(Namespace, cancellationToken: cancellationToken);
        for (var i = 0; i < 600 && (await client.CoreV1.ListNamespacedPodAsync(Namespace, cancellationToken: cancellationToken)).Items.Count > 0; i++)
        {
            await Task.Delay(200, cancellationToken);
        }
    }

    private static async Task DeleteNamespaceAsync(Kubernetes client, CancellationToken cancellationToken)
    {
        try
        {
            await client.CoreV1.DeleteNamespaceAsync(Namespace, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return;
        }

        for (var i = 0; i < 600; i++)
        {
            try
            {
                await client.CoreV1.ReadNamespaceAsync(Namespace, cancellationToken: cancellationToken);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                return;
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>A long sleeper that stops at once on SIGTERM (sleep as PID 1 would ignore it and wait out the grace).</summary>
    private static V1Pod Pod(string name, string node, string image) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = "kubelet-bench" } },
        Spec = new V1PodSpec
        {
            NodeName = node,
            TerminationGracePeriodSeconds = 1,
            Containers =
            [
                new V1Container
                {
                    Name = "app",
                    Image = image,
                    ImagePullPolicy = "Never",
                    Command = ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"],
                },
            ],
        },
    };
}
