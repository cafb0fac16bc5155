using System.Net;
using System.Net.Sockets;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using k8s.Models;
using LocalKube.Node.Networking.Dns;
using LocalKube.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace LocalKube.Node.Networking.Tests;

/// <summary>The server over real sockets on 127.0.0.1: UDP, large answers over TCP, SERVFAIL without upstream.</summary>
public sealed class ClusterDnsServerTests
{
    [Test]
    public async Task AnswersOverUdpAndServesLargeAnswersOverTcp()
    {
        var data = new ManyEndpoints(60);
        var port = FreeTcpPort.GetForUdpAndTcp();
        using var server = new ClusterDnsServer(new IPEndPoint(IPAddress.Loopback, port), new ClusterDnsResolver(data), [], NullLogger.Instance);
        server.Start();
        var name = DomainName.Parse("many.default.svc.cluster.local");

        var udp = new DnsClient([IPAddress.Loopback], [new UdpClientTransport(port)], false, 3000);
        var tcp = new DnsClient([IPAddress.Loopback], [new TcpClientTransport(port)], false, 3000);
        var full = await tcp.ResolveAsync(name, RecordType.A, RecordClass.INet);
        Assert.That(full!.AnswerRecords.OfType<ARecord>().Count(), Is.EqualTo(60));

        var missing = await udp.ResolveAsync(DomainName.Parse("gone.default.svc.cluster.local"), RecordType.A);
        Assert.That(missing!.ReturnCode, Is.EqualTo(ReturnCode.NxDomain));

        // No upstream resolver: names outside the cluster get a clear SERVFAIL, not a timeout.
        var outside = await udp.ResolveAsync(DomainName.Parse("example.org"), RecordType.A);
        Assert.That(outside!.ReturnCode, Is.EqualTo(ReturnCode.ServerFailure));
    }

    [Test]
    public async Task PipelinedTcpQueriesAreEachAnswered()
    {
        // glibc's resolver, falling back to TCP, sends its A and AAAA queries back to back on one connection.
        var port = FreeTcpPort.GetForUdpAndTcp();
        using var server = new ClusterDnsServer(new IPEndPoint(IPAddress.Loopback, port), new ClusterDnsResolver(FakeDnsData.Sample()), [], NullLogger.Instance);
        server.Start();
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        byte[] a = [0x11, 0x11, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 5, .. "hello"u8, 7, .. "default"u8, 3, .. "svc"u8, 7, .. "cluster"u8, 5, .. "local"u8, 0, 0, 1, 0, 1];
        byte[] aaaa = [0x22, 0x22, .. a[2..^4], 0, 28, 0, 1];
        await stream.WriteAsync((byte[])[0, (byte)a.Length, .. a, 0, (byte)aaaa.Length, .. aaaa]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var ids = new List<int>();
        for (var i = 0; i < 2; i++)
        {
            var length = new byte[2];
            await stream.ReadExactlyAsync(length, timeout.Token);
            var message = new byte[(length[0] << 8) | length[1]];
            await stream.ReadExactlyAsync(message, timeout.Token);
            ids.Add((message[0] << 8) | message[1]);
        }

        Assert.That(ids, Is.EquivalentTo(new[] { 0x1111, 0x2222 }));
    }

    [Test]
    public void UpstreamsComeFromResolvConfWithoutTheClusterAddress()
    {
        var upstreams = ClusterDnsService.Upstreams("# c\nnameserver 127.0.0.11\nnameserver 10.96.0.10\nsearch x\nnameserver bogus\noptions ndots:0\n");
        Assert.That(upstreams.Select(u => u.ToString()), Is.EqualTo(new[] { "127.0.0.11" }));
    }

    private sealed class ManyEndpoints(int count) : IClusterDnsData
    {
        private readonly V1Service _service = new()
        {
            Metadata = new V1ObjectMeta { Name = "many", NamespaceProperty = "default" },
            Spec = new V1ServiceSpec { ClusterIP = "None" },
        };

        public bool Synced => true;

        public V1Service? Service(string ns, string name) => name == "many" ? _service : null;

        public IEnumerable<V1Service> Services() => [_service];

        public IEnumerable<V1EndpointSlice> Slices(string ns, string name) => name == "many" ? AllSlices() : [];

        public IEnumerable<V1EndpointSlice> AllSlices() =>
        [
            new V1EndpointSlice
            {
                Metadata = new V1ObjectMeta { Name = "many-x", NamespaceProperty = "default", Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = "many" } },
                AddressType = "IPv4",
                Endpoints = Enumerable.Range(1, count).Select(i => new V1Endpoint { Addresses = [$"10.244.1.{i}"] }).ToList(),
            },
        ];
    }
}
