using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using LocalKube.Node.Networking.Proxy;

namespace LocalKube.Networking.Bench;

/// <summary>
/// The proxy's sync for a <see cref="BenchCluster"/>: the rule set built as <see cref="ServiceProxyService"/> builds it
/// (<see cref="ServicePortTable"/> then <see cref="ProxyRuleBuilder"/>) and applied with the agent's
/// <see cref="Iptables"/> (<c>iptables-restore --noflush</c>), build and apply timed apart. It must never touch this
/// machine's own tables, so the bench runs itself again under <c>unshare --net</c> (a fresh, empty network namespace
/// that goes away with the process), and that run refuses to start unless its namespace differs from its parent's.
/// </summary>
internal static class ProxySyncBench
{
    private const string InNamespace = "--in-netns=";
    private const string RowPrefix = "ROW\t";

    /// <summary>Whether these arguments are the run inside the new namespace.</summary>
    public static bool IsInner(string[] args) => args.Any(a => a.StartsWith(InNamespace, StringComparison.Ordinal));

    /// <summary>Runs the measure in a new network namespace and returns its rows.</summary>
    public static async Task<IEnumerable<(string, string)>> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("unshare") { RedirectStandardOutput = true, UseShellExecute = false };
        string[] command = ["--net", "--", .. SelfCommand(), "proxy-sync", .. args.Where(a => a.StartsWith("--", StringComparison.Ordinal)), InNamespace + NamespaceId()];
        foreach (var arg in command)
        {
            start.ArgumentList.Add(arg);
        }

        using var child = Process.Start(start) ?? throw new InvalidOperationException("unshare did not start");
        var rows = new List<(string, string)>();
        try
        {
            while (await child.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.StartsWith(RowPrefix, StringComparison.Ordinal))
                {
                    var parts = line[RowPrefix.Length..].Split('\t', 2);
                    rows.Add((parts[0], parts[1]));
                }
                else
                {
                    Console.WriteLine(line);
                }
            }

            await child.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            child.Kill(entireProcessTree: true);
            throw;
        }

        return child.ExitCode == 0
            ? rows
            : throw new InvalidOperationException($"the proxy-sync run under unshare --net exited with {child.ExitCode} (run as root; iptables: apt-get install -y iptables)");
    }

    /// <summary>The measure itself, in the new namespace: prints its rows for the parent.</summary>
    public static async Task<int> InnerAsync(string[] args, int services, int runs, CancellationToken cancellationToken)
    {
        var parent = args.First(a => a.StartsWith(InNamespace, StringComparison.Ordinal))[InNamespace.Length..];
        if (NamespaceId() == parent)
        {
            await Console.Error.WriteLineAsync($"refusing: still in the parent's network namespace {parent}");
            return 2;
        }

        // The agent runs the node's iptables-restore (Debian's default, iptables-nft, in the node image);
        // --iptables=legacy compares the legacy back end.
        var tool = args.Contains("--iptables=legacy") ? "iptables-legacy" : "iptables";
        var iptables = new Iptables(tool, tool + "-restore", tool + "-save");
        Console.WriteLine($"in network namespace {NamespaceId()} (parent {parent}); {await VersionAsync(tool, cancellationToken)}");
        var cluster = new BenchCluster(services);

        // Build: the first one pays for JIT; then the median of the runs.
        var watch = Stopwatch.StartNew();
        var rules = ProxyRuleBuilder.Build(cluster.PortTable(), BenchCluster.PodCidr, []);
        var coldBuild = watch.Elapsed.TotalMilliseconds;
        var builds = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            watch.Restart();
            rules = ProxyRuleBuilder.Build(cluster.PortTable(), BenchCluster.PodCidr, []);
            builds.Add(watch.Elapsed.TotalMilliseconds);
        }

        // Apply: first into empty tables (every chain created), then the same rules again (a periodic full sync).
        watch.Restart();
        await iptables.RestoreAsync(rules.Text, cancellationToken);
        var firstApply = watch.Elapsed.TotalMilliseconds;
        var chains = await iptables.ServiceChainsAsync(cancellationToken);
        Console.WriteLine($"applied: {rules.Text.Split('\n').Length:N0} lines, {rules.Text.Length / 1024.0:F0} KiB; nat has {chains.Count:N0} KUBE-SVC/SEP/EXT chains (declared {rules.ServiceChains.Count:N0})");
        if (chains.Count != rules.ServiceChains.Count)
        {
            throw new InvalidOperationException("the applied chains are not the declared ones");
        }

        var fullKiB = rules.Text.Length / 1024;
        var applies = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            watch.Restart();
            await iptables.RestoreAsync(rules.Text, cancellationToken);
            applies.Add(watch.Elapsed.TotalMilliseconds);
        }

        // One change: a new ready endpoint for one service, re-synced as the proxy does: a partial sync that writes
        // the fixed chains and the changed service's chains only (build + apply).
        var changes = new List<(double Build, double Apply)>();
        for (var i = 0; i < runs; i++)
        {
            cluster.AddEndpoint(i * 97 % services, $"10.245.0.{i + 1}");
            watch.Restart();
            var next = ProxyRuleBuilder.Build(cluster.PortTable(), BenchCluster.PodCidr, rules.ServiceChains, applied: rules.ChainRules);
            var build = watch.Elapsed.TotalMilliseconds;
            watch.Restart();
            await iptables.RestoreAsync(next.Text, cancellationToken);
            changes.Add((build, watch.Elapsed.TotalMilliseconds));
            rules = next;
        }

        chains = await iptables.ServiceChainsAsync(cancellationToken);
        var expected = rules.ServiceChains.Count;
        Console.WriteLine($"after {runs} changes: {chains.Count:N0} chains in nat, {expected:N0} declared");
        if (chains.Count != expected)
        {
            throw new InvalidOperationException("the changes did not land");
        }

        var totals = changes.Select(c => c.Build + c.Apply).ToList();
        Row($"Proxy rule build, {services:N0} services × 3 endpoints (ServicePortTable + ProxyRuleBuilder), median of {runs}", $"{Ms(Median(builds))} (first, cold JIT: {Ms(coldBuild)})");
        Row($"Proxy rule apply (iptables-restore --noflush), {fullKiB:N0} KiB, into empty tables", Ms(firstApply));
        Row($"Proxy rule apply, same rules again (a full re-sync), median of {runs}", $"{Ms(Median(applies))} (max {Ms(applies.Max())})");
        Row($"Proxy sync, build + apply (median build + median re-apply)", Ms(Median(builds) + Median(applies)));
        Row($"One change (a new endpoint) re-synced (partial sync), build + apply, median of {runs}", $"{Ms(Median(totals))} (build {Ms(Median(changes.Select(c => c.Build).ToList()))}, apply {Ms(Median(changes.Select(c => c.Apply).ToList()))}; max {Ms(totals.Max())})");
        return 0;
    }

    private static void Row(string measure, string value) => Console.WriteLine(RowPrefix + measure + "\t" + value);

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static string Ms(double ms) => ms.ToString("F1", CultureInfo.InvariantCulture) + " ms";

    // "net:[4026531840]": the same text means the same namespace.
    private static string NamespaceId() =>
        new FileInfo("/proc/self/ns/net").LinkTarget ?? throw new InvalidOperationException("/proc/self/ns/net is not a link");

    // How to start this bench again: its apphost, or `dotnet <dll>`.
    private static string[] SelfCommand()
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        return Path.GetFileNameWithoutExtension(host) == "dotnet" ? [host, Assembly.GetEntryAssembly()!.Location] : [host];
    }

    private static async Task<string> VersionAsync(string tool, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(tool, "--version") { RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("iptables did not start");
        var version = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return version.Trim();
    }
}
