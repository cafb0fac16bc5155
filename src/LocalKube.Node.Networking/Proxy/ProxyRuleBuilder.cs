using System.Globalization;
using System.Text;

namespace LocalKube.Node.Networking.Proxy;

/// <summary>
/// Writes kube-proxy's iptables-mode rules (<c>k8s: pkg/proxy/iptables/proxier.go</c>, node-reference §9) for the
/// whole node as one <c>iptables-restore --noflush</c> input: ClusterIP DNAT with random balancing over ready
/// endpoints (serving-terminating ones when none is ready), NodePorts on every local address, external and
/// load-balancer IPs, masquerade of off-cluster and hairpin traffic, ClientIP affinity with <c>recent</c>, and
/// filter REJECTs for ports without endpoints, so connections fail at once rather than time out.
/// </summary>
public static class ProxyRuleBuilder
{
    /// <summary>The mark that asks KUBE-POSTROUTING to masquerade (upstream's default bit 14).</summary>
    public const string MasqueradeMark = "0x4000";

    /// <summary>
    /// Above this many endpoints in all, the per-endpoint rules go without their comments (upstream's large cluster
    /// mode): the comments are about 40 % of the rule text, and iptables-nft translates every byte of it.
    /// </summary>
    public const int LargeClusterEndpointsThreshold = 1000;

    /// <summary>The fixed chains of the filter table.</summary>
    public static readonly IReadOnlyList<string> FilterChains = ["KUBE-SERVICES", "KUBE-EXTERNAL-SERVICES", "KUBE-NODEPORTS", "KUBE-FORWARD", "KUBE-PROXY-FIREWALL"];

    /// <summary>The fixed chains of the nat table.</summary>
    public static readonly IReadOnlyList<string> NatChains = ["KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-POSTROUTING", "KUBE-MARK-MASQ"];

    /// <summary>The endpoints a port balances over: ready ones, else serving-terminating ones (upstream's fallback).</summary>
    public static IReadOnlyList<ProxyEndpoint> Usable(ServicePortEntry port)
    {
        ArgumentNullException.ThrowIfNull(port);
        var ready = port.Endpoints.Where(e => e.Ready).DistinctBy(e => e.Address).OrderBy(e => e.Address, StringComparer.Ordinal).ToList();
        return ready.Count > 0
            ? ready
            : port.Endpoints.Where(e => e.Serving && e.Terminating).DistinctBy(e => e.Address).OrderBy(e => e.Address, StringComparer.Ordinal).ToList();
    }

    /// <summary>The rules for <paramref name="ports"/>.</summary>
    /// <param name="ports">Every service port of the cluster.</param>
    /// <param name="podCidr">The pod network (traffic from outside it to a ClusterIP is masqueraded).</param>
    /// <param name="staleChains">Service chains of the previous sync (or found at start) that must go if unused.</param>
    /// <param name="masqueradeAll">Masquerade all service traffic (when bridged replies do not pass iptables).</param>
    /// <param name="applied">The service chains' rules as the last successful restore left them (its
    /// <see cref="ProxyRuleSet.ChainRules"/>), or null for a full sync. A chain whose rules are unchanged is left out
    /// of the input (with <c>--noflush</c> the kernel keeps it), as kube-proxy's partial syncs do since 1.27: a
    /// change then rewrites the fixed chains and the changed services' chains, not every service's.</param>
    public static ProxyRuleSet Build(IEnumerable<ServicePortEntry> ports, string podCidr, IEnumerable<string> staleChains, bool masqueradeAll = false, IReadOnlyDictionary<string, string>? applied = null)
    {
        ArgumentNullException.ThrowIfNull(ports);
        var filter = new StringBuilder();
        var nat = new StringBuilder();
        var chainRules = new Dictionary<string, StringBuilder>(StringComparer.Ordinal);
        StringBuilder Chain(string name) => chainRules.TryGetValue(name, out var rules) ? rules : chainRules[name] = new StringBuilder();

        filter.Append("*filter\n");
        foreach (var chain in FilterChains)
        {
            filter.Append(':').Append(chain).Append(" - [0:0]\n");
        }

        nat.Append("-A KUBE-POSTROUTING -m mark ! --mark ").Append(MasqueradeMark).Append('/').Append(MasqueradeMark).Append(" -j RETURN\n");
        nat.Append("-A KUBE-POSTROUTING -j MARK --xor-mark ").Append(MasqueradeMark).Append('\n');
        nat.Append("-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully\n");
        nat.Append("-A KUBE-MARK-MASQ -j MARK --or-mark ").Append(MasqueradeMark).Append('\n');

        var nodePorts = new StringBuilder();
        var all = ports.ToList();
        var large = all.Sum(p => p.Endpoints.Count) > LargeClusterEndpointsThreshold;
        string EndpointComment(string text) => large ? "" : $" -m comment --comment {text}";
        foreach (var port in all.Where(p => IsClusterIp(p.ClusterIp)).OrderBy(p => p.DisplayName, StringComparer.Ordinal).ThenBy(p => p.Proto, StringComparer.Ordinal))
        {
            var comment = Quote(port.DisplayName);
            var endpoints = Usable(port);
            var match = $"-p {port.Proto} -m {port.Proto} --dport {Num(port.Port)}";
            if (endpoints.Count == 0)
            {
                // No endpoints: refuse at once (ICMP port unreachable for UDP, RST for TCP), as upstream.
                var reject = port.Proto == "tcp" ? "-j REJECT --reject-with tcp-reset" : "-j REJECT";
                filter.Append($"-A KUBE-SERVICES -m comment --comment \"{port.DisplayName} has no endpoints\" -d {port.ClusterIp}/32 {match} {reject}\n");
                foreach (var ip in port.ExternalIps)
                {
                    filter.Append($"-A KUBE-EXTERNAL-SERVICES -m comment --comment \"{port.DisplayName} has no endpoints\" -d {ip}/32 {match} {reject}\n");
                }

                if (port.NodePort > 0)
                {
                    filter.Append($"-A KUBE-EXTERNAL-SERVICES -m comment --comment \"{port.DisplayName} has no endpoints\" -m addrtype --dst-type LOCAL -p {port.Proto} -m {port.Proto} --dport {Num(port.NodePort)} {reject}\n");
                }

                continue;
            }

            var svc = ChainNames.Service(port);
            Chain(svc);
            nat.Append($"-A KUBE-SERVICES -m comment --comment \"{port.DisplayName} cluster IP\" -d {port.ClusterIp}/32 {match} -j {svc}\n");
            var external = port.NodePort > 0 || port.ExternalIps.Count > 0;
            if (external)
            {
                var ext = ChainNames.External(port);
                Chain(ext);
                foreach (var ip in port.ExternalIps)
                {
                    nat.Append($"-A KUBE-SERVICES -m comment --comment \"{port.DisplayName} external IP\" -d {ip}/32 {match} -j {ext}\n");
                }

                if (port.NodePort > 0)
                {
                    nodePorts.Append($"-A KUBE-NODEPORTS -m comment --comment {comment} -p {port.Proto} -m {port.Proto} --dport {Num(port.NodePort)} -j {ext}\n");
                }

                if (port.ExternalLocal)
                {
                    // Local policy keeps external clients' addresses; pods and the node itself still get masqueraded.
                    Chain(ext).Append($"-A {ext} -m comment --comment \"pod traffic for {port.DisplayName} external destinations\" -s {podCidr} -j {svc}\n");
                    Chain(ext).Append($"-A {ext} -m comment --comment \"masquerade LOCAL traffic for {port.DisplayName} external destinations\" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ\n");
                    Chain(ext).Append($"-A {ext} -j {svc}\n");
                }
                else
                {
                    Chain(ext).Append($"-A {ext} -m comment --comment \"masquerade traffic for {port.DisplayName} external destinations\" -j KUBE-MARK-MASQ\n");
                    Chain(ext).Append($"-A {ext} -j {svc}\n");
                }
            }

            var masqueradeSource = masqueradeAll ? "" : $"! -s {podCidr} ";
            Chain(svc).Append($"-A {svc} -m comment --comment \"{port.DisplayName} cluster IP\" {masqueradeSource}-d {port.ClusterIp}/32 {match} -j KUBE-MARK-MASQ\n");
            var seps = endpoints.Select(e => (Endpoint: e, Chain: ChainNames.Endpoint(port, e))).ToList();
            if (port.AffinitySeconds > 0)
            {
                foreach (var (endpoint, chain) in seps)
                {
                    Chain(svc).Append($"-A {svc}{EndpointComment($"\"{port.DisplayName} -> {endpoint.Address}\"")} -m recent --name {chain} --rcheck --seconds {Num(port.AffinitySeconds)} --reap -j {chain}\n");
                }
            }

            for (var i = 0; i < seps.Count; i++)
            {
                var (endpoint, chain) = seps[i];
                Chain(chain);
                var remaining = seps.Count - i;
                var probability = remaining > 1
                    ? $" -m statistic --mode random --probability {(1.0 / remaining).ToString("0.0000000000", CultureInfo.InvariantCulture)}"
                    : "";
                Chain(svc).Append($"-A {svc}{EndpointComment($"\"{port.DisplayName} -> {endpoint.Address}\"")}{probability} -j {chain}\n");
                Chain(chain).Append($"-A {chain}{EndpointComment(comment)} -s {endpoint.Ip}/32 -j KUBE-MARK-MASQ\n");
                var affinity = port.AffinitySeconds > 0 ? $" -m recent --name {chain} --set" : "";
                Chain(chain).Append($"-A {chain}{EndpointComment(comment)}{affinity} -p {port.Proto} -m {port.Proto} -j DNAT --to-destination {endpoint.Address}\n");
            }
        }

        // Last: anything addressed to the node goes through the NodePorts (with route_localnet, 127.0.0.1 too).
        nat.Append("-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS\n");
        nat.Append(nodePorts);

        filter.Append("-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP\n");
        filter.Append("-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding rules\" -m mark --mark ").Append(MasqueradeMark).Append('/').Append(MasqueradeMark).Append(" -j ACCEPT\n");
        filter.Append("-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding conntrack rule\" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n");
        filter.Append("COMMIT\n");

        var text = new StringBuilder(filter.Length + nat.Length + (chainRules.Count * 256));
        text.Append(filter);
        text.Append("*nat\n");
        foreach (var chain in NatChains)
        {
            text.Append(':').Append(chain).Append(" - [0:0]\n");
        }

        var rendered = chainRules.ToDictionary(c => c.Key, c => c.Value.ToString(), StringComparer.Ordinal);
        var written = rendered
            .Select(c => (Name: c.Key, Rules: c.Value))
            .Where(c => applied is null || !applied.TryGetValue(c.Name, out var before) || before != c.Rules)
            .ToList();
        foreach (var (name, _) in written)
        {
            // Declaring flushes the chain; the rules below refill it.
            text.Append(':').Append(name).Append(" - [0:0]\n");
        }

        var stale = staleChains.Where(c => !chainRules.ContainsKey(c)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        foreach (var chain in stale)
        {
            // Declaring flushes it, so it has no rules left when -X removes it.
            text.Append(':').Append(chain).Append(" - [0:0]\n");
        }

        text.Append(nat);
        foreach (var (_, rules) in written)
        {
            text.Append(rules);
        }

        foreach (var chain in stale)
        {
            text.Append("-X ").Append(chain).Append('\n');
        }

        text.Append("COMMIT\n");
        return new ProxyRuleSet(text.ToString(), rendered, written.Count);
    }

    /// <summary>Whether <paramref name="ip"/> is a real ClusterIP (not empty, not <c>None</c>).</summary>
    public static bool IsClusterIp(string? ip) => !string.IsNullOrEmpty(ip) && ip != "None";

    private static string Quote(string text) => "\"" + text + "\"";

    private static string Num(int value) => value.ToString(CultureInfo.InvariantCulture);
}
