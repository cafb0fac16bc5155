using LocalKube.Client.Bench;

// Node.Client benchmark (issue 9): informer initial sync, event delivery to many informers, and the agent's idle RSS
// with every component's informers running. Usage: [sync] [delivery] [rss] (all three by default), [--quick],
// [--agent PATH] (the localkube-node that `rss` starts; default: the framework-dependent build next to the bench).
var quick = args.Contains("--quick");
var agentAt = Array.IndexOf(args, "--agent");
var agent = agentAt >= 0 && agentAt + 1 < args.Length ? Path.GetFullPath(args[agentAt + 1]) : Path.Combine(AppContext.BaseDirectory, "localkube-node");
var scenarios = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (agentAt < 0 || i != agentAt + 1)).ToHashSet(StringComparer.Ordinal);
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
    results.AddRange(await IdleRssBench.RunAsync(agent, idle: TimeSpan.FromSeconds(quick ? 5 : 20)));
}

Console.WriteLine();
Console.WriteLine("| Measure | Value |");
Console.WriteLine("|---|---|");
foreach (var (measure, value) in results)
{
    Console.WriteLine($"| {measure} | {value} |");
}
