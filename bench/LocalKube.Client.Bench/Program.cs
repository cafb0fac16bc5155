using LocalKube.Client.Bench;

// Node.Client benchmark (issue 9): informer initial sync, event delivery to many informers, and the agent's idle RSS
// with every component's informers running. Usage: [sync] [delivery] [rss] (all three by default), [--quick].
var quick = args.Contains("--quick");
var scenarios = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
if (scenarios.Count == 0)
{
    scenarios = ["sync", "delivery", "rss"];
}

var results = new List<(string Measure, string Value)>();
if (scenarios.Contains("sync"))
{
    results.AddRange(await InformerBench.SyncAsync(pods: quick ? 1_000 : 10_000, runs: quick ? 2 : 5));
}

if (scenarios.Contains("delivery"))
{
    results.AddRange(await InformerBench.DeliveryAsync(informers: quick ? 10 : 100, events: quick ? 50 : 300));
}

if (scenarios.Contains("rss"))
{
    results.AddRange(await IdleRssBench.RunAsync(idle: TimeSpan.FromSeconds(quick ? 5 : 20)));
}

Console.WriteLine();
Console.WriteLine("| Measure | Value |");
Console.WriteLine("|---|---|");
foreach (var (measure, value) in results)
{
    Console.WriteLine($"| {measure} | {value} |");
}
