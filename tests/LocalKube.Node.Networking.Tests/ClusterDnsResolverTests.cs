using System.Net;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using LocalKube.Node.Networking.Dns;

namespace LocalKube.Node.Networking.Tests;

public sealed class ClusterDnsResolverTests
{
    private FakeDnsData _data = null!;
    private ClusterDnsResolver _resolver = null!;

    [SetUp]
    public void SetUp()
    {
        _data = FakeDnsData.Sample();
        _resolver = new ClusterDnsResolver(_data);
    }

    private DnsAnswer Ask(string name, RecordType type = RecordType.A) =>
        _resolver.Resolve(new DnsQuestion(DomainName.Parse(name), type, RecordClass.INet));

    private static string[] Addresses(DnsAnswer answer) => answer.Answers.OfType<ARecord>().Select(a => a.Address.ToString()).Order().ToArray();

    [Test]
    public void AServiceNameGivesItsClusterIpWithTtl5()
    {
        var answer = Ask("hello.default.svc.cluster.local");
        Assert.That(answer.Code, Is.EqualTo(ReturnCode.NoError));
        Assert.That(Addresses(answer), Is.EqualTo(new[] { "10.96.0.20" }));
        Assert.That(answer.Answers[0].TimeToLive, Is.EqualTo(5));
    }

    [Test]
    public void AHeadlessServiceGivesItsReadyEndpoints()
    {
        Assert.That(Addresses(Ask("nginx.default.svc.cluster.local")), Is.EqualTo(new[] { "10.244.0.7", "10.244.0.8" }));
        Assert.That(Addresses(Ask("web-0.nginx.default.svc.cluster.local")), Is.EqualTo(new[] { "10.244.0.7" }));
        Assert.That(Addresses(Ask("10-244-0-8.nginx.default.svc.cluster.local")), Is.EqualTo(new[] { "10.244.0.8" }));
        Assert.That(Ask("10-244-0-9.nginx.default.svc.cluster.local").Code, Is.EqualTo(ReturnCode.NxDomain), "not ready");
    }

    [Test]
    public void UnknownNamesAreNxDomainAndKnownNamesWithoutTheTypeAreNoData()
    {
        var missing = Ask("nope.default.svc.cluster.local");
        Assert.That(missing.Code, Is.EqualTo(ReturnCode.NxDomain));
        Assert.That(missing.Authority.Single(), Is.InstanceOf<SoaRecord>());
        var aaaa = Ask("hello.default.svc.cluster.local", RecordType.Aaaa);
        Assert.That(aaaa.Code, Is.EqualTo(ReturnCode.NoError));
        Assert.That(aaaa.Answers, Is.Empty);
        Assert.That(aaaa.Authority.Single(), Is.InstanceOf<SoaRecord>());
        Assert.That(Ask("default.svc.cluster.local").Code, Is.EqualTo(ReturnCode.NoError));
        Assert.That(Ask("a.b.c.d.e.f.cluster.local").Code, Is.EqualTo(ReturnCode.NxDomain));
    }

    [Test]
    public void SrvRecordsNameThePortAndTheTarget()
    {
        var answer = Ask("_http._tcp.hello.default.svc.cluster.local", RecordType.Srv);
        var srv = answer.Answers.OfType<SrvRecord>().Single();
        Assert.That(srv.Port, Is.EqualTo(80));
        Assert.That(srv.Target.ToString(), Is.EqualTo("hello.default.svc.cluster.local."));
        Assert.That(Addresses(new DnsAnswer(ReturnCode.NoError, answer.Additionals, [], [])), Is.EqualTo(new[] { "10.96.0.20" }));

        var headless = Ask("_web._tcp.nginx.default.svc.cluster.local", RecordType.Srv);
        Assert.That(headless.Answers.OfType<SrvRecord>().Select(s => s.Target.ToString()).Order(),
            Is.EqualTo(new[] { "10-244-0-8.nginx.default.svc.cluster.local.", "web-0.nginx.default.svc.cluster.local." }));
        Assert.That(Ask("_nope._tcp.hello.default.svc.cluster.local", RecordType.Srv).Code, Is.EqualTo(ReturnCode.NxDomain));
    }

    [Test]
    public void PodRecordsExternalNamesAndPtr()
    {
        Assert.That(Addresses(Ask("10-244-0-3.default.pod.cluster.local")), Is.EqualTo(new[] { "10.244.0.3" }));
        Assert.That(Ask("not-an-ip.default.pod.cluster.local").Code, Is.EqualTo(ReturnCode.NxDomain));
        var cname = Ask("ext.default.svc.cluster.local").Answers.OfType<CNameRecord>().Single();
        Assert.That(cname.CanonicalName.ToString(), Is.EqualTo("example.org."));
        var ptr = Ask("20.0.96.10.in-addr.arpa", RecordType.Ptr).Answers.OfType<PtrRecord>().Single();
        Assert.That(ptr.PointerDomainName.ToString(), Is.EqualTo("hello.default.svc.cluster.local."));
        Assert.That(Ask("7.0.244.10.in-addr.arpa", RecordType.Ptr).Answers.OfType<PtrRecord>().Single().PointerDomainName.ToString(),
            Is.EqualTo("web-0.nginx.default.svc.cluster.local."));
        Assert.That(Ask("1.1.168.192.in-addr.arpa", RecordType.Ptr).IsForward, Is.True);
    }

    [Test]
    public void NamesOutsideTheClusterAreForwardedAndClusterNamesFailBeforeTheFirstSync()
    {
        Assert.That(Ask("example.org").IsForward, Is.True);
        _data.Synced = false;
        Assert.That(Ask("hello.default.svc.cluster.local").Code, Is.EqualTo(ReturnCode.ServerFailure));
    }
}
