using System.Diagnostics;
using System.Globalization;
using LocalKube.Node.Storage;
using LocalKube.Node.Storage.Client;
using LocalKube.Storage.Bench;
using Microsoft.Extensions.Logging;

// Storage benchmark: our store (in-process and through gRPC) side by side with Debian's etcd 3.4 in one run, both
// with fsync on. Every loop is bounded in count and time. Usage: dotnet run -c Release -- [--quick]
if (args.Length == 3 && args[0] == "load")
{
    // Prepare a data folder: `load DIR KEYS` writes KEYS keys of 1 KiB in-process, then closes the store.
    await using var loaded = await EmbeddedKeyValueStore.OpenAsync(new StoreOptions { DataDirectory = args[1] }, CancellationToken.None);
    await Workloads.LoadAsync(loaded, "/load/", int.Parse(args[2], CultureInfo.InvariantCulture));
    return 0;
}

if (args.Length == 2 && args[0] == "open")
{
    // `open DIR`: time opening a data folder in-process (twice: cold JIT, then warm), with the store's own timings.
    using var logs = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.AddSimpleConsole().SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Debug));
    for (var i = 0; i < 2; i++)
    {
        var sw = Stopwatch.StartNew();
        await using var opened = await EmbeddedKeyValueStore.OpenAsync(new StoreOptions { DataDirectory = args[1], LoggerFactory = logs }, CancellationToken.None);
        Console.WriteLine($"open #{i + 1}: {sw.ElapsedMilliseconds} ms; GCs gen0/1/2 so far: {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}, pause {GC.GetTotalPauseDuration().TotalMilliseconds:F0} ms");
    }

    return 0;
}

if (args.Length == 2 && args[0] == "cold")
{
    // `cold DIR`: start the storage server on DIR three times; time from process start to the first answered Range.
    for (var i = 0; i < 3; i++)
    {
        var sw = Stopwatch.StartNew();
        var (server, serverUrl) = Servers.StartLocalKube(args[1]);
        await Servers.WaitReadyAsync(serverUrl, CancellationToken.None);
        Console.WriteLine($"cold start #{i + 1}: {sw.ElapsedMilliseconds} ms to the first answered Range");
        await Servers.StopAsync(server);
    }

    return 0;
}

var quick = args.Contains("--quick");
var scale = quick ? 10 : 1;
var puts1 = 2000 / scale;
var puts64 = 20000 / scale;
var loadKeys = 100_000 / scale;
var watchWrites = 10_000 / scale;
var inv = CultureInfo.InvariantCulture;
var rows = new List<string[]>();
void Row(string measure, string etcd, string ours, string inproc) => rows.Add([measure, etcd, ours, inproc]);

var root = Path.Combine(Path.GetTempPath(), $"lk-bench-{Environment.ProcessId}");
Directory.CreateDirectory(root);
try
{
    var results = new Dictionary<string, Dictionary<string, string>>();
    foreach (var kind in new[] { "etcd", "localkube" })
    {
        var r = results[kind] = [];
        var dir = Path.Combine(root, kind);
        var (process, url) = kind == "etcd" ? Servers.StartEtcd(dir) : Servers.StartLocalKube(dir);
        await Servers.WaitReadyAsync(url, CancellationToken.None);
        var clients = Enumerable.Range(0, 4).Select(_ => (IKeyValueStore)EtcdClientKeyValueStore.Connect([new Uri(url)])).ToList();
        Console.Error.WriteLine($"[{kind}] warm-up");
        await Workloads.PutAsync(clients, 16, 1000, TimeSpan.FromSeconds(20), "/warm/");
        await Workloads.GetAsync(clients[0], "/warm/", 300);
        Console.Error.WriteLine($"[{kind}] put");
        var (ops1, lat1) = await Workloads.PutAsync(clients, 1, puts1, TimeSpan.FromSeconds(30), "/p1/");
        r["put1"] = $"{ops1:F0}/s ({lat1.Summary()})";
        var cpuBefore = Servers.CpuTime(process.Id);
        var (ops64, lat64) = await Workloads.PutAsync(clients, 64, puts64, TimeSpan.FromSeconds(30), "/p64/");
        r["put64"] = $"{ops64:F0}/s ({lat64.Summary()})";
        r["cpu"] = $"{(Servers.CpuTime(process.Id) - cpuBefore).TotalMicroseconds / lat64.Count:F0} µs";
        r["put1ops"] = ops1.ToString("F0", inv);
        r["put64ops"] = ops64.ToString("F0", inv);
        Console.Error.WriteLine($"[{kind}] get/range");
        r["get"] = (await Workloads.GetAsync(clients[0], "/p64/", 2000)).Summary();
        await Workloads.LoadAsync(clients[0], "/r10k/", 10_000);
        r["range"] = (await Workloads.RangePrefixAsync(clients[0], "/r10k/", 20, 10_000)).Summary();
        Console.Error.WriteLine($"[{kind}] watch");
        var (e2e, fan) = await Workloads.WatchFanoutAsync(i => clients[i % clients.Count], 100, watchWrites, "/w/");
        r["watch"] = $"{e2e.Count} in order; end to end {e2e.Summary()}; fan-out {fan.Summary()}";
        Console.Error.WriteLine($"[{kind}] load {loadKeys}");
        await Workloads.LoadAsync(clients[0], "/load/", loadKeys);
        await Task.Delay(1000);
        r["rss"] = $"{Servers.RssMiB(process.Id):F0} MiB";
        foreach (var c in clients)
        {
            await c.DisposeAsync();
        }

        // Cold start: SIGKILL (no clean shutdown helps either side), restart, time to the first answered Range.
        await Servers.StopAsync(process);
        var sw = Stopwatch.StartNew();
        (process, url) = kind == "etcd" ? Servers.StartEtcd(dir) : Servers.StartLocalKube(dir);
        await Servers.WaitReadyAsync(url, CancellationToken.None);
        r["cold"] = $"{sw.Elapsed.TotalMilliseconds:F0} ms";
        await Servers.StopAsync(process);
    }

    // In-process: the embedded store without the gRPC hop.
    Console.Error.WriteLine("[in-process]");
    var inproc = new Dictionary<string, string>();
    var inDir = Path.Combine(root, "inproc");
    await using (var store = await EmbeddedKeyValueStore.OpenAsync(new StoreOptions { DataDirectory = inDir }, CancellationToken.None))
    {
        await Workloads.PutAsync([store], 16, 1000, TimeSpan.FromSeconds(20), "/warm/");
        var (ops1, lat1) = await Workloads.PutAsync([store], 1, puts1, TimeSpan.FromSeconds(30), "/p1/");
        inproc["put1"] = $"{ops1:F0}/s ({lat1.Summary()})";
        var (ops64, lat64) = await Workloads.PutAsync([store], 64, puts64, TimeSpan.FromSeconds(30), "/p64/");
        inproc["put64"] = $"{ops64:F0}/s ({lat64.Summary()})";
        inproc["get"] = (await Workloads.GetAsync(store, "/p64/", 2000)).Summary();
        await Workloads.LoadAsync(store, "/r10k/", 10_000);
        inproc["range"] = (await Workloads.RangePrefixAsync(store, "/r10k/", 20, 10_000)).Summary();
        var (e2e, fan) = await Workloads.WatchFanoutAsync(_ => store, 100, watchWrites, "/w/");
        inproc["watch"] = $"{e2e.Count} in order; end to end {e2e.Summary()}; fan-out {fan.Summary()}";
        await Workloads.LoadAsync(store, "/load/", loadKeys);
    }

    var open = Stopwatch.StartNew();
    await using (var store = await EmbeddedKeyValueStore.OpenAsync(new StoreOptions { DataDirectory = inDir }, CancellationToken.None))
    {
        await store.RangeAsync(new LocalKube.Node.Storage.Protocol.RangeRequest { Key = Google.Protobuf.ByteString.CopyFromUtf8("x") }, CancellationToken.None);
        inproc["cold"] = $"{open.Elapsed.TotalMilliseconds:F0} ms (open + first read, {store.Revision} revisions)";
    }

    inproc["rss"] = "n/a";
    var e = results["etcd"];
    var o = results["localkube"];
    Row("Put 1 KiB, 1 client", e["put1"], o["put1"], inproc["put1"]);
    Row("Put 1 KiB, 64 clients", e["put64"], o["put64"], inproc["put64"]);
    Row("Put speed-up vs etcd (1 / 64 clients)", "1×",
        $"{double.Parse(o["put1ops"], inv) / double.Parse(e["put1ops"], inv):F1}× / {double.Parse(o["put64ops"], inv) / double.Parse(e["put64ops"], inv):F1}×", "");
    Row("Server CPU per put (64 clients; user + system)", e["cpu"], o["cpu"], "");
    Row("Get by key", e["get"], o["get"], inproc["get"]);
    Row("Range prefix, 10k keys", e["range"], o["range"], inproc["range"]);
    Row($"Watch: 100 watchers, {watchWrites} writes", e["watch"], o["watch"], inproc["watch"]);
    Row($"RSS with {loadKeys} keys of 1 KiB (+ the rest)", e["rss"], o["rss"], inproc["rss"]);
    Row($"Cold start, {loadKeys}+ keys, to first answered Range", e["cold"], o["cold"], inproc["cold"]);

    Console.WriteLine($"Machine: {Environment.ProcessorCount} cores; {DateTime.UtcNow:yyyy-MM-dd}; {(quick ? "--quick" : "full")} run; LocalKube server: {Servers.PublishedAgent() ?? "test host (JIT; publish for the product binary)"}");
    Console.WriteLine();
    Console.WriteLine("| Measure | etcd 3.4 (gRPC) | LocalKube (gRPC) | LocalKube (in-process) |");
    Console.WriteLine("|---|---|---|---|");
    foreach (var row in rows)
    {
        Console.WriteLine($"| {string.Join(" | ", row)} |");
    }
}
finally
{
    Directory.Delete(root, recursive: true);
}

return 0;
