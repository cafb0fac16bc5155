using System.Globalization;
using System.Net;
using LocalKube.Node.Networking.Dns;
using LocalKube.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace LocalKube.Networking.Bench;

/// <summary>
/// Cluster DNS: the real <see cref="ClusterDnsServer"/> (ARSoft.Tools.Net's UDP transport, the agent's resolver)
/// on 127.0.0.1 over a <see cref="BenchCluster"/>, no upstream resolvers (every query is a cluster name), loaded by
/// <see cref="DnsLoad"/> in this process, or only serving (<c>dns-serve</c>) for a load from another process.
/// </summary>
internal static class DnsBench
{
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(3);

    /// <summary><c>dns-qps</c>: <paramref name="clients"/> concurrent clients for <paramref name="seconds"/> s.</summary>
    public static async Task<IEnumerable<(string, string)>> QpsAsync(IPEndPoint? external, int serverPid, int services, int clients, int seconds, CancellationToken cancellationToken)
    {
        var (server, endpoint) = Start(external, services);
        using (server)
        {
            var cpuOf = external is null || serverPid == 0 ? Environment.ProcessId : serverPid;
            var result = await DnsLoad.RunAsync(endpoint, Probes(services), clients, cpuOf, Warmup, TimeSpan.FromSeconds(seconds), cancellationToken);
            var where = Where(external);
            return
            [
                ($"DNS A queries/s, {clients} UDP clients, {seconds} s, {where}", Fixed(result.Qps, 0) + " qps"
                    + $" ({(cpuOf == Environment.ProcessId ? "this process" : $"the server, pid {cpuOf},")} used {Fixed(result.CpuSeconds / seconds, 2)} cores: {Fixed(result.Answered / result.CpuSeconds, 0)} queries per CPU second; {Counts(result)})"),
                ($"DNS A latency under that load, p50 / p99", $"{Fixed(result.Percentile(50), 3)} / {Fixed(result.Percentile(99), 3)} ms"),
            ];
        }
    }

    /// <summary><c>dns-latency</c>: one client, each query sent when the last was answered.</summary>
    public static async Task<IEnumerable<(string, string)>> LatencyAsync(IPEndPoint? external, int services, int seconds, CancellationToken cancellationToken)
    {
        var (server, endpoint) = Start(external, services);
        using (server)
        {
            var result = await DnsLoad.RunAsync(endpoint, Probes(services), 1, Environment.ProcessId, Warmup, TimeSpan.FromSeconds(seconds), cancellationToken);
            return
            [
                ($"DNS A latency, 1 client, sequential, {seconds} s, {Where(external)}: p50 / p99 / p99.9 / max",
                    $"{Fixed(result.Percentile(50), 3)} / {Fixed(result.Percentile(99), 3)} / {Fixed(result.Percentile(99.9), 3)} / {Fixed(result.Percentile(100), 3)} ms ({Counts(result)})"),
            ];
        }
    }

    /// <summary><c>dns-serve</c>: only the server, until Ctrl+C, SIGTERM or <paramref name="seconds"/>; prints its CPU time.</summary>
    public static async Task ServeAsync(int port, int services, int seconds, CancellationToken cancellationToken)
    {
        var endpoint = new IPEndPoint(IPAddress.Loopback, port == 0 ? FreeTcpPort.GetForUdpAndTcp() : port);
        using var server = new ClusterDnsServer(endpoint, new ClusterDnsResolver(new BenchCluster(services)), [], NullLogger.Instance);
        server.Start();
        var cpu = DnsLoad.ProcessCpu(Environment.ProcessId);
        Console.WriteLine($"serving {services} services on {endpoint}, pid {Environment.ProcessId} ({Environment.ProcessorCount} cores visible); Ctrl+C or SIGTERM stops");
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(seconds), cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Stopped by a signal: report as for a timeout.
        }

        Console.WriteLine($"server CPU while serving: {Fixed((DnsLoad.ProcessCpu(Environment.ProcessId) - cpu).TotalSeconds, 2)} s");
    }

    /// <summary>An A query for every service, its ClusterIP as the answer.</summary>
    public static IReadOnlyList<DnsProbe> Probes(int services) =>
        Enumerable.Range(0, services).Select(i => DnsProbe.For(BenchCluster.Fqdn(i), BenchCluster.ClusterIp(i))).ToList();

    private static (ClusterDnsServer? Server, IPEndPoint Endpoint) Start(IPEndPoint? external, int services)
    {
        if (external is not null)
        {
            return (null, external);
        }

        var endpoint = new IPEndPoint(IPAddress.Loopback, FreeTcpPort.GetForUdpAndTcp());
        var server = new ClusterDnsServer(endpoint, new ClusterDnsResolver(new BenchCluster(services)), [], NullLogger.Instance);
        server.Start();
        return (server, endpoint);
    }

    private static string Where(IPEndPoint? external) =>
        external is null ? $"server in this process ({Environment.ProcessorCount} cores visible)" : $"server at {external} (another process)";

    private static string Counts(LoadResult result) => $"{result.Answered:N0} answered, {result.Wrong} wrong, {result.Lost} unanswered after 1 s";

    private static string Fixed(double value, int decimals) => value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
