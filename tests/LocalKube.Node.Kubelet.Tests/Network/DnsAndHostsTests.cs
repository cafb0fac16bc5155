using LocalKube.Node.Kubelet.Network;

namespace LocalKube.Node.Kubelet.Tests.Network;

[TestFixture]
[Category("Unit")]
public sealed class DnsAndHostsTests
{
    private static readonly DnsSettings Node = ResolvConf.Parse("nameserver 192.168.49.1\nsearch example.com corp.example.com\noptions ndots:0 edns0\n");

    [Test]
    public void Hosts_file_with_subdomain_and_aliases()
    {
        var text = HostsFile.ForPod(["10.244.0.7"], "web-0", "nginx.default.svc.cluster.local",
            [new V1HostAlias { Ip = "1.2.3.4", Hostnames = ["foo.local", "bar.local"] }]);
        Assert.That(text, Is.EqualTo(
            "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\n"
            + "fe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n10.244.0.7\tweb-0.nginx.default.svc.cluster.local\tweb-0\n"
            + "\n# Entries added by HostAliases.\n1.2.3.4\tfoo.local\tbar.local\n"));
        Assert.That(HostsFile.ForPod(["10.244.0.8"], "web", "", null), Does.EndWith("fe00::2\tip6-allrouters\n10.244.0.8\tweb\n"));
        Assert.That(HostsFile.ForHostNetwork("127.0.0.1 localhost\n", null), Is.EqualTo("# Kubernetes-managed hosts file (host network).\n127.0.0.1 localhost\n"));
    }

    [Test]
    public void Hostname_and_domain()
    {
        var pod = new V1Pod { Metadata = new V1ObjectMeta { Name = new string('a', 70), NamespaceProperty = "ns" }, Spec = new V1PodSpec() };
        Assert.That(PodHostname.For(pod, "cluster.local").Hostname, Has.Length.EqualTo(63));
        pod.Spec.Hostname = "web-0";
        pod.Spec.Subdomain = "nginx";
        Assert.That(PodHostname.For(pod, "cluster.local"), Is.EqualTo(("web-0", "nginx.ns.svc.cluster.local")));
        pod.Spec.SetHostnameAsFQDN = true;
        Assert.That(PodHostname.KernelHostname(pod, "web-0", "nginx.ns.svc.cluster.local"), Is.EqualTo("web-0.nginx.ns.svc.cluster.local"));
        var e = Assert.Throws<ArgumentException>(() => PodHostname.KernelHostname(pod, new string('b', 40), "nginx.ns.svc.cluster.local"));
        Assert.That(e!.Message, Does.Contain("is too long (64 characters is the max, 67 characters requested)"));
        pod.Spec.Hostname = "Bad_Name";
        Assert.Throws<ArgumentException>(() => PodHostname.For(pod, "cluster.local"));
    }

    [Test]
    public void ClusterFirst_resolv_conf()
    {
        var pod = Pod("ClusterFirst");
        var text = ResolvConf.Render(ResolvConf.For(pod, Node, "10.96.0.10", "cluster.local"));
        Assert.That(text, Is.EqualTo("nameserver 10.96.0.10\nsearch ns.svc.cluster.local svc.cluster.local cluster.local example.com corp.example.com\noptions ndots:5\n"));
    }

    [Test]
    public void Policies()
    {
        var hostNet = Pod("ClusterFirst");
        hostNet.Spec.HostNetwork = true;
        Assert.That(ResolvConf.For(hostNet, Node, "10.96.0.10", "cluster.local").Servers, Is.EqualTo(new[] { "192.168.49.1" }));
        var withHostNet = Pod("ClusterFirstWithHostNet");
        withHostNet.Spec.HostNetwork = true;
        Assert.That(ResolvConf.For(withHostNet, Node, "10.96.0.10", "cluster.local").Servers, Is.EqualTo(new[] { "10.96.0.10" }));
        Assert.That(ResolvConf.Render(ResolvConf.For(Pod("Default"), Node, "10.96.0.10", "cluster.local")), Is.EqualTo(ResolvConf.Render(Node)));
        var none = Pod("None");
        none.Spec.DnsConfig = new V1PodDNSConfig
        {
            Nameservers = ["1.1.1.1", "1.1.1.1", "8.8.8.8"],
            Searches = ["a.example"],
            Options = [new V1PodDNSConfigOption { Name = "ndots", Value = "2" }, new V1PodDNSConfigOption { Name = "edns0" }],
        };
        Assert.That(ResolvConf.Render(ResolvConf.For(none, Node, "10.96.0.10", "cluster.local")),
            Is.EqualTo("nameserver 1.1.1.1\nnameserver 8.8.8.8\nsearch a.example\noptions ndots:2 edns0\n"));
        var merged = Pod("ClusterFirst");
        merged.Spec.DnsConfig = new V1PodDNSConfig { Options = [new V1PodDNSConfigOption { Name = "ndots", Value = "1" }], Nameservers = ["1.1.1.1", "2.2.2.2", "3.3.3.3"] };
        var settings = ResolvConf.For(merged, Node, "10.96.0.10", "cluster.local");
        Assert.That(settings.Options, Is.EqualTo(new[] { "ndots:1" }));
        Assert.That(settings.Servers, Is.EqualTo(new[] { "10.96.0.10", "1.1.1.1", "2.2.2.2" }), "at most 3 nameservers");
    }

    private static V1Pod Pod(string policy) => new()
    {
        Metadata = new V1ObjectMeta { Name = "p", NamespaceProperty = "ns" },
        Spec = new V1PodSpec { DnsPolicy = policy },
    };
}
