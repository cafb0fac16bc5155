using k8s.Models;
using LocalKube.Abstractions.Node;
using LocalKube.Node.Client.Clients;
using LocalKube.Node.Client.Informers;
using LocalKube.Node.Hosting;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Networking.Proxy;

/// <summary>
/// The service proxy (<c>proxy</c>), kube-proxy's iptables mode acting as <c>system:kube-proxy</c>: watches Services
/// and EndpointSlices and rewrites the node's KUBE-* chains through one <c>iptables-restore --noflush</c> per sync.
/// Changes are coalesced: a sync runs at once after a quiet second, otherwise one second after the last (upstream's
/// <c>minSyncPeriod</c>), and every 30 s regardless, which also repairs the jumps from the built-in chains. A failed
/// restore changes nothing (it is one transaction): the previous rules keep serving and the next sync retries. On
/// stop the rules stay, so an agent restart has no traffic gap; the next agent replaces them and drops stale chains.
/// </summary>
public sealed partial class ServiceProxyService(
    NodeComponentContext context,
    IKubeClientFactory clients,
    NodeSettings settings) : NodeComponentService(context)
{
    /// <summary>The shortest time between two syncs.</summary>
    public static readonly TimeSpan MinSyncPeriod = TimeSpan.FromSeconds(1);

    /// <summary>The time between syncs when nothing changes.</summary>
    public static readonly TimeSpan SyncPeriod = TimeSpan.FromSeconds(30);

    /// <summary>How often a sync rewrites every service chain rather than only the changed ones (partial syncs).</summary>
    public static readonly TimeSpan FullSyncPeriod = TimeSpan.FromHours(1);

    private readonly NodeComponentContext _context = context;
    private readonly SemaphoreSlim _changed = new(0, 1);
    private readonly Iptables _iptables = new();

    /// <inheritdoc />
    public override NodeComponent Component => NodeComponent.Proxy;

    /// <inheritdoc />
    public override IReadOnlyList<NodeComponent> DependsOn => [NodeComponent.ApiServer];

    /// <inheritdoc />
    public override void Dispose()
    {
        _changed.Dispose();
        base.Dispose();
    }

    /// <inheritdoc />
    protected override async Task RunAsync(Action markReady, CancellationToken stoppingToken)
    {
        var podCidr = NodeNetwork.PodCidr(settings);
        var client = clients.ClientFor(ComponentIdentity.Proxy);
        await using var informers = new SharedInformerFactory(client, _context.LoggerFactory, Time);
        var services = informers.GetInformer<V1Service>();
        var slices = informers.GetInformer<V1EndpointSlice>();
        using var onService = services.AddEventHandler(ResourceEventHandler<V1Service>.ForAll(_ => Signal()));
        using var onSlice = slices.AddEventHandler(ResourceEventHandler<V1EndpointSlice>.ForAll(_ => Signal()));
        var masqueradeAll = PrepareKernel();
        await EnsureJumpsAsync(stoppingToken);
        IReadOnlySet<string> chains = (await _iptables.ServiceChainsAsync(stoppingToken)).ToHashSet(StringComparer.Ordinal);
        informers.Start();
        await Task.WhenAll(services.WaitForSyncAsync(stoppingToken), slices.WaitForSyncAsync(stoppingToken));

        var ready = false;
        var lastSync = DateTimeOffset.MinValue;
        var lastFullSync = DateTimeOffset.MinValue;
        IReadOnlyDictionary<string, string>? applied = null;
        var lastJumpCheck = Time.GetUtcNow();
        while (true)
        {
            var wait = lastSync + MinSyncPeriod - Time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, Time, stoppingToken);
            }

            // Drain the signal: changes arriving from here on trigger the next sync.
            _changed.Wait(0, CancellationToken.None);
            lastSync = Time.GetUtcNow();
            try
            {
                if (lastSync - lastJumpCheck >= SyncPeriod)
                {
                    await EnsureJumpsAsync(stoppingToken);
                    lastJumpCheck = lastSync;
                }

                // The node's dockerd inserts its bridge's ACCEPTs at the head of FORWARD when it makes the pod
                // network or restarts; ahead of KUBE-SERVICES they would forward a pod's connection to a service
                // without endpoints out of the node instead of rejecting it. One `iptables -S` per sync keeps order.
                if (await _iptables.KeepKubeJumpsFirstAsync("filter", "FORWARD", stoppingToken))
                {
                    Log.JumpsMovedFirst(Logger, "FORWARD");
                }

                var entries = ServicePortTable.Build(services.Lister.List(), slices.Lister.List());
                if (lastSync - lastFullSync >= FullSyncPeriod)
                {
                    // Now and then every chain is rewritten, in case something changed them behind the proxy's back.
                    applied = null;
                }

                var rules = ProxyRuleBuilder.Build(entries, podCidr, chains, masqueradeAll, applied);
                applied = null; // until the restore is known to have worked: a failed one means a full sync next
                await _iptables.RestoreAsync(rules.Text, stoppingToken);
                chains = rules.ServiceChains;
                applied = rules.ChainRules;
                lastFullSync = rules.WrittenChains == rules.ChainRules.Count ? lastSync : lastFullSync;
                Log.Synced(Logger, entries.Count, (Time.GetUtcNow() - lastSync).TotalMilliseconds);
                if (!ready)
                {
                    ready = true;
                    markReady();
                }
            }
            catch (IptablesException e)
            {
                Log.SyncFailed(Logger, e.Message);
            }

            await _changed.WaitAsync(SyncPeriod, stoppingToken);
        }
    }

    private void Signal()
    {
        try
        {
            _changed.Release();
        }
        catch (SemaphoreFullException)
        {
            // A sync is already pending: this change rides along.
        }
        catch (ObjectDisposedException)
        {
            // Stopping.
        }
    }

    // route_localnet lets NodePorts answer on 127.0.0.1 (service --url forwards there); bridged replies must pass
    // iptables to be un-DNATed, else every service packet is masqueraded instead.
    private bool PrepareKernel()
    {
        TryWrite("/proc/sys/net/ipv4/conf/all/route_localnet", "1");
        var bridged = TryWrite("/proc/sys/net/bridge/bridge-nf-call-iptables", "1");
        if (!bridged)
        {
            Log.MasqueradeAll(Logger);
        }

        return !bridged;
    }

    private bool TryWrite(string path, string value)
    {
        try
        {
            File.WriteAllText(path, value);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.SysctlFailed(Logger, path, e.Message);
            return false;
        }
    }

    private async Task EnsureJumpsAsync(CancellationToken cancellationToken)
    {
        foreach (var chain in ProxyRuleBuilder.FilterChains)
        {
            await _iptables.EnsureChainAsync("filter", chain, cancellationToken);
        }

        foreach (var chain in ProxyRuleBuilder.NatChains)
        {
            await _iptables.EnsureChainAsync("nat", chain, cancellationToken);
        }

        string[] portals = ["-m", "comment", "--comment", "kubernetes service portals", "-j", "KUBE-SERVICES"];
        string[] newPortals = ["-m", "conntrack", "--ctstate", "NEW", .. portals];
        string[] external = ["-m", "conntrack", "--ctstate", "NEW", "-m", "comment", "--comment", "kubernetes externally-visible service portals", "-j", "KUBE-EXTERNAL-SERVICES"];
        await _iptables.EnsureRuleAsync("nat", "PREROUTING", portals, cancellationToken);
        await _iptables.EnsureRuleAsync("nat", "OUTPUT", portals, cancellationToken);
        await _iptables.EnsureRuleAsync("nat", "POSTROUTING", ["-m", "comment", "--comment", "kubernetes postrouting rules", "-j", "KUBE-POSTROUTING"], cancellationToken);
        await _iptables.EnsureRuleAsync("filter", "INPUT", external, cancellationToken);
        await _iptables.EnsureRuleAsync("filter", "FORWARD", ["-m", "comment", "--comment", "kubernetes forwarding rules", "-j", "KUBE-FORWARD"], cancellationToken);
        await _iptables.EnsureRuleAsync("filter", "FORWARD", external, cancellationToken);
        await _iptables.EnsureRuleAsync("filter", "FORWARD", newPortals, cancellationToken);
        await _iptables.EnsureRuleAsync("filter", "OUTPUT", newPortals, cancellationToken);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Proxy rules synced: {Ports} service ports in {Milliseconds} ms")]
        public static partial void Synced(ILogger logger, int ports, double milliseconds);

        [LoggerMessage(2, LogLevel.Error, "Proxy rules not applied (the previous rules stay; retrying): {Message}")]
        public static partial void SyncFailed(ILogger logger, string message);

        [LoggerMessage(3, LogLevel.Warning, "Bridged traffic does not pass iptables here: masquerading all service traffic")]
        public static partial void MasqueradeAll(ILogger logger);

        [LoggerMessage(4, LogLevel.Warning, "Cannot set {Path}: {Message}")]
        public static partial void SysctlFailed(ILogger logger, string path, string message);

        [LoggerMessage(5, LogLevel.Information, "Other rules had come ahead of the proxy's jumps in {Chain}: moved the jumps back to its head")]
        public static partial void JumpsMovedFirst(ILogger logger, string chain);
    }
}
