using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using LocalKube.Networking.Bench;

// Service networking benchmark (issue 12). Scenarios (default: dns-qps dns-latency proxy-sync):
//   dns-qps       N concurrent UDP clients send A queries for existing services; queries/s and p50/p99
//   dns-latency   one client, sequential A queries; p50/p99
//   dns-serve     only the DNS server (for a load from another process, e.g. the server alone on one core)
//   proxy-sync    the rule set for N services built and applied with iptables-restore in a new network namespace
// Options: --services=1000 --clients=16 --seconds=10 --runs=5 --server=127.0.0.1:PORT (dns-*: an external server;
//          --server-pid=PID: report its CPU)
//          --port=PORT (dns-serve) --iptables=legacy (proxy-sync: iptables-legacy-restore instead of the default).
// Pin to one core from the command line: taskset -c 0 dotnet ...
var services = Option("services", 1_000);
var runs = Option("runs", 5);
var seconds = Option("seconds", 10);
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});

if (ProxySyncBench.IsInner(args))
{
    return await ProxySyncBench.InnerAsync(args, services, runs, stop.Token);
}

var scenarios = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
if (scenarios.Count == 0)
{
    scenarios = ["dns-qps", "dns-latency", "proxy-sync"];
}

if (scenarios.Contains("dns-serve"))
{
    await DnsBench.ServeAsync(Option("port", 0), services, Option("seconds", 600), stop.Token);
    return 0;
}

var server = args.FirstOrDefault(a => a.StartsWith("--server=", StringComparison.Ordinal)) is { } text ? IPEndPoint.Parse(text["--server=".Length..]) : null;
Console.WriteLine($"machine load: {File.ReadAllText("/proc/loadavg").Trim()}");
var results = new List<(string Measure, string Value)>();
if (scenarios.Contains("dns-qps"))
{
    results.AddRange(await DnsBench.QpsAsync(server, Option("server-pid", 0), services, Option("clients", 16), seconds, stop.Token));
}

if (scenarios.Contains("dns-latency"))
{
    results.AddRange(await DnsBench.LatencyAsync(server, services, seconds, stop.Token));
}

if (scenarios.Contains("proxy-sync"))
{
    results.AddRange(await ProxySyncBench.RunAsync(args, stop.Token));
}

Console.WriteLine($"machine load: {File.ReadAllText("/proc/loadavg").Trim()}");
Console.WriteLine();
Console.WriteLine("| Measure | Value |");
Console.WriteLine("|---|---|");
foreach (var (measure, value) in results)
{
    Console.WriteLine($"| {measure} | {value} |");
}

return 0;

int Option(string name, int fallback) =>
    args.FirstOrDefault(a => a.StartsWith($"--{name}=", StringComparison.Ordinal)) is { } option
        ? int.Parse(option[(name.Length + 3)..], CultureInfo.InvariantCulture)
        : fallback;
