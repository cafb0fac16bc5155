using LocalKube.Node.Networking.Proxy;

namespace LocalKube.Node.Networking.Tests;

public sealed class ProxyRuleBuilderTests
{
    private const string PodCidr = "10.244.0.0/16";

    private static ServicePortEntry Web(params ProxyEndpoint[] endpoints) => new()
    {
        Namespace = "default",
        Name = "web",
        PortName = "http",
        ClusterIp = "10.96.0.50",
        Port = 80,
        NodePort = 30080,
        Endpoints = endpoints,
    };

    private static ProxyEndpoint Ready(string ip) => new(ip, 8080, Ready: true, Serving: true, Terminating: false);

    [Test]
    public void ClusterIpBalancesRandomlyOverReadyEndpointsWithUpstreamProbabilities()
    {
        var text = ProxyRuleBuilder.Build([Web(Ready("10.244.0.5"), Ready("10.244.0.6"), Ready("10.244.0.7"))], PodCidr, []).Text;
        var svc = ChainNames.Service(Web());
        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Contain($"-A KUBE-SERVICES -m comment --comment \"default/web:http cluster IP\" -d 10.96.0.50/32 -p tcp -m tcp --dport 80 -j {svc}"));
            Assert.That(text, Does.Contain("--probability 0.3333333333"));
            Assert.That(text, Does.Contain("--probability 0.5000000000"));
            Assert.That(text, Does.Contain("-j DNAT --to-destination 10.244.0.7:8080"));
            Assert.That(text, Does.Contain($"-A {svc} -m comment --comment \"default/web:http cluster IP\" ! -s {PodCidr} -d 10.96.0.50/32"));
            Assert.That(text, Does.Contain("-s 10.244.0.5/32 -j KUBE-MARK-MASQ"), "hairpin traffic is masqueraded");
            Assert.That(text, Does.Contain("--dport 30080 -j KUBE-EXT-"), "the NodePort");
            Assert.That(text.IndexOf("*filter", StringComparison.Ordinal), Is.LessThan(text.IndexOf("*nat", StringComparison.Ordinal)));
            Assert.That(text.Split('\n').Count(l => l == "COMMIT"), Is.EqualTo(2));
        });
        // The last endpoint's rule has no probability: it always jumps.
        var last = text.Split('\n').Single(l => l.StartsWith($"-A {svc}", StringComparison.Ordinal) && l.Contains("-> 10.244.0.7:8080", StringComparison.Ordinal));
        Assert.That(last, Does.Not.Contain("statistic"));
    }

    [Test]
    public void UnreadyEndpointsAreLeftOutAndTerminatingOnesServeOnlyWhenNoneIsReady()
    {
        var unready = new ProxyEndpoint("10.244.0.9", 8080, Ready: false, Serving: false, Terminating: false);
        var terminating = new ProxyEndpoint("10.244.0.8", 8080, Ready: false, Serving: true, Terminating: true);
        Assert.That(ProxyRuleBuilder.Usable(Web(Ready("10.244.0.5"), unready, terminating)).Select(e => e.Ip), Is.EqualTo(new[] { "10.244.0.5" }));
        Assert.That(ProxyRuleBuilder.Usable(Web(unready, terminating)).Select(e => e.Ip), Is.EqualTo(new[] { "10.244.0.8" }));
    }

    [Test]
    public void APortWithoutEndpointsIsRejectedAtOnce()
    {
        var text = ProxyRuleBuilder.Build([Web()], PodCidr, []).Text;
        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Contain("-A KUBE-SERVICES -m comment --comment \"default/web:http has no endpoints\" -d 10.96.0.50/32 -p tcp -m tcp --dport 80 -j REJECT --reject-with tcp-reset"));
            Assert.That(text, Does.Contain("-A KUBE-EXTERNAL-SERVICES -m comment --comment \"default/web:http has no endpoints\" -m addrtype --dst-type LOCAL -p tcp -m tcp --dport 30080 -j REJECT"));
            Assert.That(text, Does.Not.Contain("KUBE-SVC-"));
        });
    }

    [Test]
    public void PastAThousandEndpointsThePerEndpointRulesLoseTheirComments()
    {
        // Upstream's large cluster mode: more than 1,000 endpoints in all drops the comments of the endpoint rules
        // (not of the service rules), which shrinks what iptables-restore must translate.
        ServicePortEntry Service(int i, int endpoints) => Web([.. Enumerable.Range(1, endpoints).Select(e => Ready($"10.244.{i}.{e}"))]) with
        {
            Name = $"web{i}",
            ClusterIp = $"10.96.{i / 200}.{i % 200 + 1}",
        };
        var small = ProxyRuleBuilder.Build(Enumerable.Range(0, 500).Select(i => Service(i, 2)), PodCidr, []).Text;
        var large = ProxyRuleBuilder.Build(Enumerable.Range(0, 334).Select(i => Service(i, 3)), PodCidr, []).Text;
        var sep = ChainNames.Endpoint(Service(0, 3), Ready("10.244.0.1"));
        Assert.Multiple(() =>
        {
            Assert.That(small, Does.Contain("-m comment --comment \"default/web0:http -> 10.244.0.1:8080\""), "1,000 endpoints: still commented");
            Assert.That(large, Does.Not.Contain(" -> 10.244."));
            Assert.That(large, Does.Contain($"-A {sep} -s 10.244.0.1/32 -j KUBE-MARK-MASQ"));
            Assert.That(large, Does.Contain($"-A {sep} -p tcp -m tcp -j DNAT --to-destination 10.244.0.1:8080"));
            Assert.That(large, Does.Contain("-m comment --comment \"default/web0:http cluster IP\""), "the service rules keep theirs");
        });
    }

    [Test]
    public void ClientIpAffinityUsesRecent()
    {
        var port = Web(Ready("10.244.0.5"), Ready("10.244.0.6")) with { AffinitySeconds = 10800 };
        var text = ProxyRuleBuilder.Build([port], PodCidr, []).Text;
        var sep = ChainNames.Endpoint(port, Ready("10.244.0.5"));
        Assert.That(text, Does.Contain($"-m recent --name {sep} --rcheck --seconds 10800 --reap -j {sep}"));
        Assert.That(text, Does.Contain($"-A {sep} -m comment --comment \"default/web:http\" -m recent --name {sep} --set -p tcp -m tcp -j DNAT --to-destination 10.244.0.5:8080"));
    }

    [Test]
    public void StaleChainsAreFlushedAndDeletedInTheSameTransaction()
    {
        var first = ProxyRuleBuilder.Build([Web(Ready("10.244.0.5"))], PodCidr, []);
        var second = ProxyRuleBuilder.Build([Web(Ready("10.244.0.6"))], PodCidr, first.ServiceChains);
        var gone = ChainNames.Endpoint(Web(), Ready("10.244.0.5"));
        Assert.That(second.Text, Does.Contain($":{gone} - [0:0]"));
        Assert.That(second.Text, Does.Contain($"-X {gone}\n"));
        Assert.That(second.Text, Does.Not.Contain($"-X {ChainNames.Service(Web())}"), "the service chain stays");
    }

    [Test]
    public void APartialSyncWritesTheFixedChainsAndOnlyTheServiceChainsThatChanged()
    {
        var web = Web(Ready("10.244.0.5"), Ready("10.244.0.6"));
        var api = Web(Ready("10.244.0.9")) with { Name = "api", ClusterIp = "10.96.0.21", NodePort = 30081 };
        var full = ProxyRuleBuilder.Build([web, api], PodCidr, []);
        Assert.That(full.WrittenChains, Is.EqualTo(full.ChainRules.Count));

        // Nothing changed: no service chain is declared (declaring flushes) or written; the fixed chains are.
        var same = ProxyRuleBuilder.Build([web, api], PodCidr, full.ServiceChains, applied: full.ChainRules);
        Assert.That(same.WrittenChains, Is.Zero);
        Assert.That(same.Text, Does.Not.Contain($":{ChainNames.Service(web)} "));
        Assert.That(same.Text, Does.Not.Contain($"-A {ChainNames.Service(web)} "));
        Assert.That(same.Text, Does.Contain($"-j {ChainNames.Service(web)}\n"), "KUBE-SERVICES still jumps to the kept chain");

        // web's endpoint 10.244.0.6 goes away: web's service chain is rewritten, its gone endpoint chain deleted, and
        // api's chains are left alone.
        var changed = ProxyRuleBuilder.Build([Web(Ready("10.244.0.5")), api], PodCidr, full.ServiceChains, applied: full.ChainRules);
        Assert.That(changed.Text, Does.Contain($":{ChainNames.Service(web)} - [0:0]"));
        Assert.That(changed.Text, Does.Contain($"-X {ChainNames.Endpoint(web, Ready("10.244.0.6"))}\n"));
        Assert.That(changed.Text, Does.Not.Contain(ChainNames.Service(api) + " - [0:0]"));
        Assert.That(changed.Text, Does.Not.Contain($"-A {ChainNames.Endpoint(api, Ready("10.244.0.9"))} "));
        Assert.That(changed.WrittenChains, Is.EqualTo(1), "only web's service chain (its kept endpoint chain is unchanged)");
    }

    [Test]
    public void ChainNamesAreStableAndShortEnoughForIptables()
    {
        var name = ChainNames.Endpoint(Web(), Ready("10.244.0.5"));
        Assert.That(name, Does.Match("^KUBE-SEP-[A-Z2-7]{16}$"));
        Assert.That(name.Length, Is.LessThanOrEqualTo(28));
        Assert.That(ChainNames.Endpoint(Web(), Ready("10.244.0.5")), Is.EqualTo(name));
    }

    [Test]
    public void TheNodePortJumpIsTheLastRuleOfKubeServices()
    {
        var text = ProxyRuleBuilder.Build([Web(Ready("10.244.0.5"))], PodCidr, []).Text;
        var services = text.Split('\n').Where(l => l.StartsWith("-A KUBE-SERVICES", StringComparison.Ordinal) && text.IndexOf(l, StringComparison.Ordinal) > text.IndexOf("*nat", StringComparison.Ordinal)).ToList();
        Assert.That(services[^1], Does.Contain("-j KUBE-NODEPORTS"));
    }
}
