using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using k8s;
using k8s.Models;

namespace LocalKube.ApiServer.Bench;

/// <summary>
/// The API server issue's pod targets, against the agent run as its own process (<c>localkube-node run</c>):
/// <c>pods [--only list,table,get,watch,rss] [--pods N] [--runs N] [--watchers N] [--events N] [--agent PATH]</c>.
/// Pods are created through the API (16 KubernetesClient clients); reads use raw HTTP so the figures are the
/// server's, not the client's typed decoding. Every loop is bounded in count and in time.
/// </summary>
internal sealed class PodBench
{
    private const string Namespace = "bench";
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(120);
    private static readonly string[] AllScenarios = ["list", "table", "get", "watch", "rss", "configmaps"];

    private readonly HashSet<string> _only = [.. AllScenarios];
    private readonly Summary _summary = new();
    private int _pods = 10_000;
    private int _runs = 10;
    private int _watchers = 100;
    private int _events = 200;
    private string _agent = AgentProcess.DefaultPath;

    public static async Task<int> RunAsync(string[] args)
    {
        var bench = new PodBench();
        if (!bench.Parse(args))
        {
            await Console.Error.WriteLineAsync("usage: pods [--only list,table,get,watch,rss] [--pods N] [--runs N] [--watchers N] [--events N] [--agent PATH]");
            return 2;
        }

        return await bench.RunAsync();
    }

    private bool Parse(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--only" when value is not null:
                    _only.Clear();
                    _only.UnionWith(value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                    if (!_only.IsSubsetOf(AllScenarios))
                    {
                        return false;
                    }

                    break;
                case "--pods" when int.TryParse(value, out _pods) && _pods > 0:
                case "--runs" when int.TryParse(value, out _runs) && _runs > 0:
                case "--watchers" when int.TryParse(value, out _watchers) && _watchers > 0:
                case "--events" when int.TryParse(value, out _events) && _events > 0:
                    break;
                case "--agent" when value is not null:
                    _agent = value;
                    break;
                default:
                    return false;
            }

            i++;
        }

        return true;
    }

    private async Task<int> RunAsync()
    {
        var root = Directory.CreateTempSubdirectory("lk-podbench").FullName;
        var pki = new BenchPki();
        var certDir = Path.Combine(root, "certs");
        pki.WriteCertDir(certDir);
        var port = FreePort();
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(pki.WriteKubeconfig(Path.Combine(root, "kubeconfig"), port));
        Console.WriteLine($"agent: {_agent}; scenarios: {string.Join(',', _only)}; pods {_pods}, runs {_runs}, watchers {_watchers}, events {_events}");
        var agent = AgentProcess.Start(_agent, Path.Combine(root, "data"), certDir, port);
        try
        {
            using var http = Http(pki, port);
            await WaitReadyAsync(http, agent);
            using (var client = new Kubernetes(config))
            {
                await client.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Namespace } });
            }

            if (_only.Contains("configmaps"))
            {
                await ConfigMapCreatesAsync(config, agent);
            }

            var seeded = 0;
            if (_only.Overlaps(["list", "get", "rss", "table"]))
            {
                seeded = await SeedAsync(config, _only.Overlaps(["list", "get", "rss"]) ? _pods : Math.Min(_pods, 1_000));
            }

            if (_only.Contains("rss"))
            {
                await RssAsync(agent, seeded);
            }

            if (_only.Contains("list"))
            {
                await ListAsync(http, config, seeded, agent);
            }

            if (_only.Contains("table"))
            {
                await TableAsync(http, seeded, agent);
            }

            if (_only.Contains("get"))
            {
                await GetAsync(http, seeded, agent);
            }

            if (_only.Contains("watch"))
            {
                await WatchAsync(pki, port, config, agent);
            }

            Console.WriteLine($"agent RSS at the end: {agent.RssMiB():F0} MiB (peak {agent.PeakRssMiB():F0} MiB)");
            _summary.Print();
            return 0;
        }
        catch (Exception e) when (agent.HasExited)
        {
            await Console.Error.WriteLineAsync($"the agent exited: {e.Message}{Environment.NewLine}{agent.Tail()}");
            return 1;
        }
        finally
        {
            await agent.DisposeAsync();
            Directory.Delete(root, recursive: true);
        }
    }

    // Creates `count` pods from 16 concurrent clients; returns how many were made within the budget.
    private async Task<int> SeedAsync(KubernetesClientConfiguration config, int count)
    {
        var clients = Enumerable.Range(0, 16).Select(_ => new Kubernetes(config)).ToArray();
        var latencies = new ConcurrentBag<double>();
        var next = -1;
        var stop = Stopwatch.StartNew();
        await Task.WhenAll(clients.Select(async c =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count && stop.Elapsed < Budget)
            {
                var t = Stopwatch.GetTimestamp();
                await c.CreateNamespacedPodAsync(BenchPods.Pod(PodName(i), "bench"), Namespace);
                latencies.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
        }));
        foreach (var c in clients)
        {
            c.Dispose();
        }

        Console.WriteLine($"created {latencies.Count} pods in {stop.Elapsed.TotalSeconds:F1} s ({latencies.Count / stop.Elapsed.TotalSeconds:F0}/s)");
        _summary.Add($"Create pods, 16 clients ({latencies.Count / stop.Elapsed.TotalSeconds:F0}/s)", [.. latencies], "ms", Bound.None, 0);
        return latencies.Count;
    }

    // The issue's create target against the agent as its own process: 10,000 ConfigMaps from 16 KubernetesClient
    // clients (the in-process mode measures the same with the clients sharing the agent's process and heap).
    private async Task ConfigMapCreatesAsync(KubernetesClientConfiguration config, AgentProcess agent)
    {
        var clients = Enumerable.Range(0, 16).Select(_ => new Kubernetes(config)).ToArray();
        for (var i = 0; i < 200; i++)
        {
            await clients[0].CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = $"warm-{i}" }, Data = new Dictionary<string, string> { ["k"] = "v" } }, Namespace);
        }

        var latencies = new ConcurrentBag<double>();
        var next = -1;
        var cpu = agent.CpuMs();
        var stop = Stopwatch.StartNew();
        await Task.WhenAll(clients.Select(async c =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < 10_000 && stop.Elapsed < Budget)
            {
                var cm = new V1ConfigMap { Metadata = new V1ObjectMeta { Name = $"cm-{i}", Labels = new Dictionary<string, string> { ["app"] = "bench" } }, Data = new Dictionary<string, string> { ["key"] = $"value-{i}" } };
                var t = Stopwatch.GetTimestamp();
                await c.CreateNamespacedConfigMapAsync(cm, Namespace);
                latencies.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
        }));
        var rate = latencies.Count / stop.Elapsed.TotalSeconds;
        foreach (var c in clients)
        {
            c.Dispose();
        }

        _summary.Add($"Create ConfigMaps, 16 clients, agent out of process ({rate:F0}/s; target ≥ 2,000/s)", [.. latencies], "ms", Bound.P99, 25, CpuNote(agent, cpu, latencies.Count));
    }

    // RSS of the agent holding the pods: sampled for 2 s after the creates settle.
    private async Task RssAsync(AgentProcess agent, int pods)
    {
        await Task.Delay(TimeSpan.FromSeconds(2));
        var samples = new List<double>();
        for (var i = 0; i < 10; i++)
        {
            samples.Add(agent.RssMiB());
            await Task.Delay(200);
        }

        _summary.Add($"Agent RSS with {pods:N0} pods stored (VmRSS)", samples, "MiB", Bound.Median, 300);
    }

    private async Task ListAsync(HttpClient http, KubernetesClientConfiguration config, int pods, AgentProcess agent)
    {
        var path = $"/api/v1/namespaces/{Namespace}/pods";
        var body = await FetchAsync(http, path, accept: null); // warm-up, and the check
        var count = CountItems(body, "items");
        if (count != pods)
        {
            throw new InvalidOperationException($"listed {count} pods, expected {pods}");
        }

        Console.WriteLine($"list body: {body.Length / 1024.0 / 1024.0:F1} MiB for {count} pods");
        var cpu = agent.CpuMs();
        var samples = await TimeAsync(_runs, () => FetchAsync(http, path, accept: null));
        _summary.Add($"List {pods:N0} pods, JSON (raw HTTP, body read)", samples, "ms", Bound.Median, 250, CpuNote(agent, cpu, samples.Count));

        // The same through the typed client, for reference: its decoding is client time.
        using var client = new Kubernetes(config);
        var typed = await TimeAsync(Math.Min(_runs, 3), () => client.ListNamespacedPodAsync(Namespace));
        _summary.Add($"List {pods:N0} pods, JSON (KubernetesClient, typed decode included)", typed, "ms", Bound.None, 0);
    }

    private async Task TableAsync(HttpClient http, int pods, AgentProcess agent)
    {
        const string accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
        var path = $"/api/v1/namespaces/{Namespace}/pods?limit=1000";
        var rows = CountItems(await FetchAsync(http, path, accept), "rows");
        var expected = Math.Min(pods, 1_000);
        if (rows != expected)
        {
            throw new InvalidOperationException($"table has {rows} rows, expected {expected}");
        }

        var cpu = agent.CpuMs();
        var samples = await TimeAsync(_runs, () => FetchAsync(http, path, accept));
        _summary.Add($"Table list of {rows:N0} pods (limit=1000)", samples, "ms", Bound.Median, 100, CpuNote(agent, cpu, samples.Count));
    }

    // Gets by name: one client (latency alone), then 16 concurrent loops (latency under saturation: on 2 cores the
    // bench client and the agent then share the CPU, so the tail is mostly queueing). 200 warm-up gets first.
    private async Task GetAsync(HttpClient http, int pods, AgentProcess agent)
    {
        for (var i = 0; i < 200; i++)
        {
            await FetchAsync(http, $"/api/v1/namespaces/{Namespace}/pods/{PodName(i % pods)}", accept: null);
        }

        await GetLoopsAsync(http, pods, agent, loops: 1, perLoop: 2000);
        await GetLoopsAsync(http, pods, agent, loops: 16, perLoop: 250);
    }

    private async Task GetLoopsAsync(HttpClient http, int pods, AgentProcess agent, int loops, int perLoop)
    {

        var latencies = new ConcurrentBag<double>();
        var cpu = agent.CpuMs();
        var stop = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, loops).Select(async n =>
        {
            for (var i = 0; i < perLoop && stop.Elapsed < Budget; i++)
            {
                var path = $"/api/v1/namespaces/{Namespace}/pods/{PodName(((n * perLoop) + i) * 7 % pods)}";
                var t = Stopwatch.GetTimestamp();
                await FetchAsync(http, path, accept: null);
                latencies.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
        }));
        _summary.Add($"Get pod by name, JSON, {loops} concurrent loop{(loops == 1 ? "" : "s")} ({latencies.Count / stop.Elapsed.TotalSeconds:F0}/s)", [.. latencies], "ms", Bound.P99, 5, CpuNote(agent, cpu, latencies.Count));
    }

    // W watchers (raw HTTP, one connection each) on label-selected pods of the namespace; after 50 uncounted warm-up
    // creates, E pods created 5 ms apart;
    // each delivery's latency runs from just before its create call to the watcher reading the event's line.
    private async Task WatchAsync(BenchPki pki, int port, KubernetesClientConfiguration config, AgentProcess agent)
    {
        using var client = new Kubernetes(config);
        var rv = (await client.ListNamespacedPodAsync(Namespace, limit: 1)).Metadata.ResourceVersion;
        var sentAt = new long[_events];
        var delivered = new ConcurrentBag<double>();
        var pending = _watchers * _events;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var connected = 0;
        using var stop = new CancellationTokenSource(Budget);
        using var http = Http(pki, port);
        var path = $"/api/v1/namespaces/{Namespace}/pods?watch=true&resourceVersion={rv}&labelSelector=app%3Dwatch";
        var tasks = Enumerable.Range(0, _watchers).Select(_ => Task.Run(async () =>
        {
            try
            {
                using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, stop.Token);
                response.EnsureSuccessStatusCode();
                Interlocked.Increment(ref connected);
                await using var stream = await response.Content.ReadAsStreamAsync(stop.Token);
                await foreach (var index in WatchedIndexes(stream, stop.Token))
                {
                    delivered.Add(Stopwatch.GetElapsedTime(Volatile.Read(ref sentAt[index])).TotalMilliseconds);
                    if (Interlocked.Decrement(ref pending) == 0)
                    {
                        all.TrySetResult();
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // End of the measurement.
            }
        })).ToArray();

        var waiting = Stopwatch.StartNew();
        while (Volatile.Read(ref connected) < _watchers && waiting.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(50);
        }

        // Warm-up: 50 watched creates that every watcher receives but none counts (names "warm-…").
        for (var i = 0; i < 50 && !stop.IsCancellationRequested; i++)
        {
            await client.CreateNamespacedPodAsync(BenchPods.Pod($"warm-{i:D5}", "watch"), Namespace);
            await Task.Delay(5);
        }

        await Task.Delay(1000);
        var cpu = agent.CpuMs();
        for (var i = 0; i < _events && !stop.IsCancellationRequested; i++)
        {
            Volatile.Write(ref sentAt[i], Stopwatch.GetTimestamp());
            await client.CreateNamespacedPodAsync(BenchPods.Pod($"w-{i:D5}", "watch"), Namespace);
            await Task.Delay(5);
        }

        await Task.WhenAny(all.Task, Task.Delay(TimeSpan.FromSeconds(30)));
        await stop.CancelAsync();
        await Task.WhenAll(tasks);
        var lost = (_watchers * _events) - delivered.Count;
        var note = CpuNote(agent, cpu, _events) + (lost > 0 ? $"; {lost} not delivered" : "");
        _summary.Add($"Watch delivery, {_watchers} pod watchers × {_events} creates", [.. delivered], "ms", Bound.P99, 10, note);
    }

    // The index N of each watched pod "w-N", one per event line (the stored JSON puts metadata.name in the line).
    private static async IAsyncEnumerable<int> WatchedIndexes(Stream stream, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var buffer = new byte[1 << 16];
        var filled = 0;
        while (true)
        {
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            var read = await stream.ReadAsync(buffer.AsMemory(filled), ct);
            if (read == 0)
            {
                yield break;
            }

            filled += read;
            int newline;
            while ((newline = Array.IndexOf(buffer, (byte)'\n', 0, filled)) >= 0)
            {
                var line = buffer.AsSpan(0, newline);
                var at = line.IndexOf("\"name\":\"w-"u8);
                var index = at >= 0 ? int.Parse(line.Slice(at + 10, 5), CultureInfo.InvariantCulture) : -1;
                buffer.AsSpan(newline + 1, filled - newline - 1).CopyTo(buffer);
                filled -= newline + 1;
                if (index >= 0)
                {
                    yield return index;
                }
            }
        }
    }

    private static async Task<List<double>> TimeAsync<T>(int runs, Func<Task<T>> call)
    {
        var samples = new List<double>();
        var stop = Stopwatch.StartNew();
        for (var i = 0; i < runs && stop.Elapsed < Budget; i++)
        {
            var t = Stopwatch.GetTimestamp();
            await call();
            samples.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }

        return samples;
    }

    private static async Task<byte[]> FetchAsync(HttpClient http, string path, string? accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Accept", accept ?? "application/json");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var body = await response.Content.ReadAsByteArrayAsync();
        return response.IsSuccessStatusCode
            ? body
            : throw new InvalidOperationException($"GET {path}: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(body)}");
    }

    private static int CountItems(byte[] body, string array)
    {
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.GetProperty(array).GetArrayLength();
    }

    private static async Task WaitReadyAsync(HttpClient http, AgentProcess agent)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await http.GetStringAsync(new Uri("/readyz", UriKind.Relative)) == "ok")
                {
                    Console.WriteLine($"agent pid {agent.Pid} ready after {deadline.ElapsedMilliseconds} ms, RSS {agent.RssMiB():F0} MiB");
                    return;
                }
            }
            catch (HttpRequestException) when (deadline.Elapsed < TimeSpan.FromSeconds(60) && !agent.HasExited)
            {
                // Not ready yet.
            }

            if (agent.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new InvalidOperationException($"the agent did not get ready:{Environment.NewLine}{agent.Tail()}");
            }

            await Task.Delay(20);
        }
    }

    // The agent's CPU per operation since `before`: comparable across runs on a busy machine, unlike wall time.
    private static string CpuNote(AgentProcess agent, double before, int operations) =>
        $"agent CPU {(agent.CpuMs() - before) / Math.Max(1, operations):F2} ms/op";

    private static string PodName(int i) => $"pod-{i:D5}";

    private static HttpClient Http(BenchPki pki, int port)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true, ClientCertificates = [pki.Admin] },
        };
        return new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(3) };
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
