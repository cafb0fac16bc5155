using System.Net;
using k8s.Models;
using LocalKube.Abstractions.Node;
using LocalKube.Node.Client.Clients;
using LocalKube.Node.Client.Informers;
using LocalKube.Node.Hosting;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Networking.Dns;

/// <summary>
/// Cluster DNS (<c>dns</c>), CoreDNS's <c>kubernetes</c> and <c>forward</c> plugins in the agent: listens on port 53
/// (UDP and TCP) of the node, behind the <c>kube-system/kube-dns</c> Service at 10.96.0.10 (the API server's
/// bootstrap keeps that Service and its endpoints), acting as the service account <c>kube-system/coredns</c>
/// (upstream's <c>system:coredns</c> read rights). Names outside the cluster go to the node's own resolvers.
/// </summary>
public sealed partial class ClusterDnsService(NodeComponentContext context, IKubeClientFactory clients) : NodeComponentService(context)
{
    /// <summary>The service account DNS acts as.</summary>
    public const string ServiceAccount = "coredns";

    /// <summary>The port it listens on.</summary>
    public const int Port = 53;

    /// <summary>The resolv.conf whose nameservers get forwarded queries.</summary>
    public const string UpstreamResolvConf = "/etc/resolv.conf";

    private readonly NodeComponentContext _context = context;

    /// <inheritdoc />
    public override NodeComponent Component => NodeComponent.Dns;

    /// <inheritdoc />
    public override IReadOnlyList<NodeComponent> DependsOn => [NodeComponent.ApiServer];

    /// <summary>The nameservers of a resolv.conf's <paramref name="content"/>, without the cluster's own address.</summary>
    public static IReadOnlyList<IPAddress> Upstreams(string content) =>
        (content ?? "").Split('\n')
            .Select(l => l.Split('#', ';')[0].Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length > 1 && f[0] == "nameserver" && f[1] != NodeNetwork.ClusterDnsIp)
            .Select(f => IPAddress.TryParse(f[1], out var ip) ? ip : null)
            .OfType<IPAddress>()
            .Take(3)
            .ToList();

    /// <inheritdoc />
    protected override async Task RunAsync(Action markReady, CancellationToken stoppingToken)
    {
        var owner = clients.ClientFor(ComponentIdentity.ControllerManager);
        using var tokens = new ServiceAccountTokenProvider(owner, "kube-system", ServiceAccount, Time);
        var client = clients.ClientForTokens("coredns", tokens, tokens.UserName);
        await using var informers = new SharedInformerFactory(client, _context.LoggerFactory, Time);
        var data = new InformerDnsData(informers.GetInformer<V1Service>(), informers.GetInformer<V1EndpointSlice>());
        var upstreams = Upstreams(File.Exists(UpstreamResolvConf) ? await File.ReadAllTextAsync(UpstreamResolvConf, stoppingToken) : "");
        if (upstreams.Count == 0)
        {
            Log.NoUpstream(Logger, UpstreamResolvConf);
        }

        informers.Start();

        // Serve at once: until the caches sync, cluster names get SERVFAIL (as CoreDNS) and the rest is forwarded,
        // so an agent restart has DNS back as soon as the port is bound.
        using var server = new ClusterDnsServer(new IPEndPoint(IPAddress.Any, Port), new ClusterDnsResolver(data), upstreams, Logger);
        server.Start();
        Log.Serving(Logger, Port, string.Join(", ", upstreams));
        await informers.WaitForCacheSyncAsync(stoppingToken);
        markReady();
        await Task.Delay(Timeout.Infinite, stoppingToken);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Cluster DNS serves on port {Port} (UDP, TCP), forwarding to {Upstreams}")]
        public static partial void Serving(ILogger logger, int port, string upstreams);

        [LoggerMessage(2, LogLevel.Warning, "{Path} names no nameserver: names outside the cluster get SERVFAIL")]
        public static partial void NoUpstream(ILogger logger, string path);
    }
}
