using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using k8s;
using k8s.Models;
using LocalKube.ApiServer.Bench;
using LocalKube.Node;
using LocalKube.Node.Hosting;
using Microsoft.Extensions.Hosting;

// API server benchmark: the real agent in-process (Kestrel HTTPS on 127.0.0.1, embedded store) driven by
// KubernetesClient. Every loop is bounded in count and time. Usage: [--quick] (1/10 of the counts); --rbac runs only
// the in-process RBAC authorization microbenchmark; --openapi only the OpenAPI documents (first and later requests
// for apps/v1); `pods [--only list,table,get,watch,rss] ...` the pod targets against the agent as its own process
// (PodBench); `codec` the in-process cost per stored pod (CodecBench).
if (args.FirstOrDefault() == "codec")
{
    CodecBench.Run();
    return;
}

if (args.FirstOrDefault() == "pods")
{
    Environment.ExitCode = await PodBench.RunAsync(args[1..]);
    return;
}

if (args.Contains("--rbac"))
{
    RbacBench.Run(args.Contains("--quick"));
    return;
}

var quick = args.Contains("--quick");
var creates = quick ? 1_000 : 10_000;
var budget = TimeSpan.FromSeconds(90);
var root = Directory.CreateTempSubdirectory("lk-apibench").FullName;
var pki = new BenchPki();
pki.WriteCertDir(Path.Combine(root, "certs"));
var options = new NodeAgentOptions
{
    DataDir = Path.Combine(root, "data"),
    CertDir = Path.Combine(root, "certs"),
    BindAddress = "127.0.0.1",
    SecurePort = FreePort(),
    NodeName = "bench",
};
var kubeconfig = pki.WriteKubeconfig(Path.Combine(root, "kubeconfig"), options.SecurePort);
var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig);
var results = new List<(string Measure, string Value)>();

try
{
    var (host, startup) = await StartAsync(options, config);
    results.Add(("Agent start (host build → /readyz ok, empty store)", $"{startup.TotalMilliseconds:F0} ms"));
    if (args.Contains("--openapi"))
    {
        // The OpenAPI measurement alone (docs/benchmarks.md).
        using var openApiHttp = Http(pki, options.SecurePort);
        results.AddRange(await OpenApiBench.RunAsync(openApiHttp));
        await host.StopAsync();
        host.Dispose();
        Print(results);
        return;
    }

    using var client = new Kubernetes(config);
    await client.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "bench" } });

    // Creates: 16 concurrent clients, each its own Kubernetes instance (own connection pool).
    var clients = Enumerable.Range(0, 16).Select(_ => new Kubernetes(config)).ToArray();
    var createLatencies = new ConcurrentBag<double>();
    var next = -1;
    var stop = Stopwatch.StartNew();
    await Task.WhenAll(clients.Select(async c =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < creates && stop.Elapsed < budget)
        {
            var t = Stopwatch.GetTimestamp();
            await c.CreateNamespacedConfigMapAsync(new V1ConfigMap
            {
                Metadata = new V1ObjectMeta { Name = $"cm-{i:D6}", Labels = new Dictionary<string, string> { ["app"] = "bench" } },
                Data = new Dictionary<string, string> { ["key"] = new string('x', 256) },
            }, "bench");
            createLatencies.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }
    }));
    var made = createLatencies.Count;
    results.Add(($"Create ConfigMaps, 16 clients ({made})", $"{made / stop.Elapsed.TotalSeconds:F0}/s, {Percentiles(createLatencies)}"));

    // Get by name, 1 client then 16 clients.
    var gets = new ConcurrentBag<double>();
    stop.Restart();
    await Task.WhenAll(clients.Select(async (c, n) =>
    {
        for (var i = 0; i < 250 && stop.Elapsed < budget; i++)
        {
            var t = Stopwatch.GetTimestamp();
            await c.ReadNamespacedConfigMapAsync($"cm-{(n * 250 + i) % made:D6}", "bench");
            gets.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }
    }));
    results.Add(($"Get by name, 16 clients ({gets.Count})", $"{gets.Count / stop.Elapsed.TotalSeconds:F0}/s, {Percentiles(gets)}"));

    // Lists of everything (JSON) and a Table page of 500, each timed end to end through the client.
    var lists = new List<double>();
    for (var i = 0; i < 5; i++)
    {
        var t = Stopwatch.GetTimestamp();
        var list = await client.ListNamespacedConfigMapAsync("bench");
        lists.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        if (list.Items.Count != made)
        {
            throw new InvalidOperationException($"listed {list.Items.Count}, expected {made}");
        }
    }

    results.Add(($"List {made} ConfigMaps, JSON (5 runs)", $"median {Median(lists):F0} ms"));
    using (var http = Http(pki, options.SecurePort))
    {
        var tables = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/namespaces/bench/configmaps?limit=1000");
            request.Headers.TryAddWithoutValidation("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io");
            var t = Stopwatch.GetTimestamp();
            using var response = await http.SendAsync(request);
            await response.Content.ReadAsByteArrayAsync();
            tables.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }

        results.Add(("Table list of 1,000 ConfigMaps (5 runs)", $"median {Median(tables):F0} ms"));
    }

    // Watch delivery: W watchers on the namespace; each event's latency from just before its create call.
    const int watchers = 20;
    var events = quick ? 50 : 200;
    var sent = new ConcurrentDictionary<string, long>();
    var delivered = new ConcurrentBag<double>();
    using var watchStop = new CancellationTokenSource(budget);
    var rv = (await client.ListNamespacedConfigMapAsync("bench", limit: 1)).Metadata.ResourceVersion;
    var received = new CountdownEvent(watchers * events);
    var watchTasks = Enumerable.Range(0, watchers).Select(n => Task.Run(async () =>
    {
        using var c = new Kubernetes(config);
        try
        {
            await foreach (var (_, cm) in c.CoreV1.WatchListNamespacedConfigMapAsync("bench", resourceVersion: rv, labelSelector: "app=watch", cancellationToken: watchStop.Token))
            {
                if (sent.TryGetValue(cm.Metadata.Name, out var at))
                {
                    delivered.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
                    received.Signal();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // End of the measurement.
        }
    })).ToArray();
    await Task.Delay(500);
    for (var i = 0; i < events; i++)
    {
        var name = $"w-{i:D5}";
        sent[name] = Stopwatch.GetTimestamp();
        await client.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = "watch" } } }, "bench");
        await Task.Delay(5);
    }

    received.Wait(TimeSpan.FromSeconds(30));
    await watchStop.CancelAsync();
    await Task.WhenAll(watchTasks);
    results.Add(($"Watch delivery, {watchers} watchers × {events} creates ({delivered.Count} events)", Percentiles(delivered)));
    results.Add(("Process working set after the run (agent + 37 clients in one process)", $"{Process.GetCurrentProcess().WorkingSet64 / 1024 / 1024} MiB"));

    foreach (var c in clients)
    {
        c.Dispose();
    }

    await host.StopAsync();
    host.Dispose();

    // Reopen: the same data folder, another host.
    var (again, reopen) = await StartAsync(options, config);
    results.Add(($"Agent restart on {made + events} objects (host build → /readyz ok)", $"{reopen.TotalMilliseconds:F0} ms"));
    await again.StopAsync();
    again.Dispose();
}
finally
{
    Directory.Delete(root, recursive: true);
}

Print(results);

static void Print(List<(string Measure, string Value)> results)
{
    Console.WriteLine("| Measure | Result |");
    Console.WriteLine("|---|---|");
    foreach (var (measure, value) in results)
    {
        Console.WriteLine($"| {measure} | {value} |");
    }
}

static async Task<(IHost Host, TimeSpan Startup)> StartAsync(NodeAgentOptions options, KubernetesClientConfiguration config)
{
    var started = Stopwatch.GetTimestamp();
    var host = NodeAgentHost.CreateBuilder(options, console: false).Build();
    await host.StartAsync();
    using var client = new Kubernetes(config);
    var deadline = DateTime.UtcNow.AddSeconds(60);
    while (true)
    {
        try
        {
            using var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true });
            var text = await http.GetStringAsync(new Uri($"https://127.0.0.1:{options.SecurePort}/readyz"));
            if (text == "ok")
            {
                return (host, Stopwatch.GetElapsedTime(started));
            }
        }
        catch (HttpRequestException) when (DateTime.UtcNow < deadline)
        {
            // Not ready yet.
        }

        await Task.Delay(10);
    }
}

static HttpClient Http(BenchPki pki, int port)
{
    var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
    handler.ClientCertificates.Add(pki.Admin);
    return new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{port}") };
}

static string Percentiles(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    if (sorted.Length == 0)
    {
        return "no samples";
    }

    double P(double p) => sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
    return $"p50 {P(0.50):F2} ms, p99 {P(0.99):F2} ms";
}

static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}
