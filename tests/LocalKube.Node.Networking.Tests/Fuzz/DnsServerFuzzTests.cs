using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LocalKube.Node.Networking.Dns;
using LocalKube.Testing;
using LocalKube.Testing.Fuzz;
using Microsoft.Extensions.Logging.Abstractions;
using static LocalKube.Testing.Fuzz.Mutations;

namespace LocalKube.Node.Networking.Tests.Fuzz;

/// <summary>
/// Sends the cluster DNS server, over real UDP and TCP sockets on 127.0.0.1, queries built from valid ones and then
/// broken: odd header flags and opcodes, lying section counts, several or no questions, odd types and classes, EDNS
/// with odd payload sizes, labels of 63+ bytes, names past 255 bytes, compression pointers (loops included), bytes
/// outside ASCII, then byte flips and truncation. Invariants: an answer, when one comes, is a response to that query
/// (same ID, QR set) with a return code a resolver can act on; a well-formed query is always answered; and after
/// every case the server still answers a plain query for <c>hello.default.svc.cluster.local</c> correctly.
/// </summary>
[TestFixture]
[Category("Fuzz")]
public sealed class DnsServerFuzzTests
{
    private const int Cases = 1_000;

    private static readonly TimeSpan AnswerWait = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan HeldOpenWait = TimeSpan.FromMilliseconds(300);

    // A resolver acts on these; anything else (YXDomain, NotAuth, codes past 5) would be the server inventing.
    private static readonly HashSet<int> UsableCodes = [0, 1, 2, 3, 4, 5];

    private static readonly string[] Names =
    [
        "hello.default.svc.cluster.local", "nginx.default.svc.cluster.local", "web-0.nginx.default.svc.cluster.local",
        "10-244-0-8.nginx.default.svc.cluster.local", "_http._tcp.hello.default.svc.cluster.local", "ext.default.svc.cluster.local",
        "10-244-0-3.default.pod.cluster.local", "20.0.96.10.in-addr.arpa", "cluster.local", "svc.cluster.local",
        "default.svc.cluster.local", "nope.default.svc.cluster.local", "a.b.c.d.e.f.cluster.local", "example.org", "",
    ];

    // A, NS, CNAME, SOA, PTR, MX, TXT, AAAA, SRV, OPT (as a question), AXFR, ANY, CAA, and two unassigned.
    private static readonly ushort[] Types = [1, 2, 5, 6, 12, 15, 16, 28, 33, 41, 252, 255, 257, 0, 65535];

    private ClusterDnsServer _server = null!;
    private int _port;

    [OneTimeSetUp]
    public void StartServer()
    {
        _port = FreeTcpPort.GetForUdpAndTcp();
        // No upstream resolvers: names outside the cluster get SERVFAIL at once, so no case waits on the network.
        _server = new ClusterDnsServer(new IPEndPoint(IPAddress.Loopback, _port), new ClusterDnsResolver(FakeDnsData.Sample()), [], NullLogger.Instance);
        _server.Start();
    }

    [OneTimeTearDown]
    public void StopServer() => _server.Dispose();

    [Test]
    public async Task Broken_queries_get_a_usable_answer_or_none_and_the_server_keeps_answering()
    {
        var gen = new FuzzGen<Query>(Generate, q => q.Bytes.Length);
        var report = await FuzzRun.RunAsync("dns", gen, CheckAsync, Cases, q => q.ToString(), TimeSpan.FromSeconds(60));
        Assert.That(report.Outcomes.Keys, Is.SupersetOf(new[] { "udp NoError", "udp NxDomain", "tcp NoError" }), "the well-formed cases were answered");
        Assert.That(report.Outcomes.Keys.Any(k => k.EndsWith("no answer", StringComparison.Ordinal)), Is.True, "some broken cases were dropped");
    }

    private async Task<string> CheckAsync(Query query)
    {
        string outcome;
        bool answering;
        if (query.Tcp)
        {
            var (answer, heldOpen) = await AskTcpAsync(query);
            outcome = "tcp " + (heldOpen && answer is null ? "held open" : Describe(query, answer));
            answering = (await AskUdpAsync(null)).Probe;
        }
        else
        {
            var (answer, probe) = await AskUdpAsync(query);
            outcome = "udp " + Describe(query, answer);
            answering = probe;
        }

        if (!answering)
        {
            throw new AssertionException($"after this case the server no longer answers hello.default.svc.cluster.local ({outcome})");
        }

        return outcome;
    }

    private static string Describe(Query query, byte[]? answer)
    {
        if (answer is null)
        {
            if (query.WellFormed)
            {
                throw new AssertionException("a well-formed query got no answer");
            }

            return "no answer";
        }

        if (answer.Length < 12)
        {
            throw new AssertionException($"an answer of {answer.Length} bytes, shorter than a DNS header");
        }

        if (query.Bytes.Length >= 2 && (answer[0] != query.Bytes[0] || answer[1] != query.Bytes[1]))
        {
            throw new AssertionException("the answer's ID is not the query's");
        }

        if ((answer[2] & 0x80) == 0)
        {
            throw new AssertionException("the answer does not have QR set");
        }

        var code = answer[3] & 0x0f;
        if (!UsableCodes.Contains(code))
        {
            throw new AssertionException($"return code {code}");
        }

        return code switch { 0 => "NoError", 1 => "FormatError", 2 => "ServerFailure", 3 => "NxDomain", 4 => "NotImplemented", _ => "Refused" };
    }

    // Sends the case (if any) and then, from the same socket, a plain A query for hello, which must answer
    // 10.96.0.20. A case the server drops is known to be dropped once the probe is answered and a second probe
    // after it too (the server answers datagrams concurrently), so a dropped case costs two round trips, not a
    // timeout; a well-formed case is waited for in full.
    private async Task<(byte[]? Answer, bool Probe)> AskUdpAsync(Query? query)
    {
        using var socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var server = new IPEndPoint(IPAddress.Loopback, _port);
        var probeId = ProbeId(query);
        var probe = Probe(probeId);
        if (query is not null)
        {
            await socket.SendAsync(query.Bytes, server);
        }

        await socket.SendAsync(probe, server);
        using var timeout = new CancellationTokenSource(AnswerWait);
        byte[]? answer = null;
        var probes = 0;
        var probeOk = true;
        bool Done() => probes >= 1 && (answer is not null || query is null || (!query.WellFormed && probes >= 2));
        try
        {
            while (!Done())
            {
                var datagram = (await socket.ReceiveAsync(timeout.Token)).Buffer;
                if (datagram.Length >= 2 && BinaryPrimitives.ReadUInt16BigEndian(datagram) == probeId)
                {
                    probes++;
                    probeOk &= datagram.Length > 16 && (datagram[3] & 0x0f) == 0 && datagram.AsSpan(datagram.Length - 4).SequenceEqual(new byte[] { 10, 96, 0, 20 });
                    if (probes == 1 && answer is null && query is { WellFormed: false })
                    {
                        await socket.SendAsync(probe, server);
                    }
                }
                else
                {
                    answer = datagram;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Whatever did not come in time did not come.
        }

        return (answer, probes > 0 && probeOk);
    }

    // Sends the case and, on the same connection, the probe after it. The server may answer pipelined queries out of
    // order (RFC 7766 allows it), so a well-formed case is waited for even after the probe's answer. After a message
    // it cannot parse, the server stops reading the connection and holds it until its idle timeout: a broken case
    // not answered within HeldOpenWait counts as "held open" (the liveness probe then goes over UDP).
    private async Task<(byte[]? Answer, bool HeldOpen)> AskTcpAsync(Query query)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(query.WellFormed ? AnswerWait : HeldOpenWait);
        await client.ConnectAsync(IPAddress.Loopback, _port, timeout.Token);
        var stream = client.GetStream();
        var probeId = ProbeId(query);
        byte[] framed = [.. Frame(query.Bytes), .. Frame(Probe(probeId))];
        byte[]? answer = null;
        var probed = false;
        try
        {
            await stream.WriteAsync(framed, timeout.Token);
            while (!probed || (answer is null && query.WellFormed))
            {
                var length = new byte[2];
                await stream.ReadExactlyAsync(length, timeout.Token);
                var message = new byte[BinaryPrimitives.ReadUInt16BigEndian(length)];
                await stream.ReadExactlyAsync(message, timeout.Token);
                if (message.Length >= 2 && BinaryPrimitives.ReadUInt16BigEndian(message) == probeId)
                {
                    probed = true;
                }
                else
                {
                    answer = message;
                }
            }

            return (answer, false);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException)
        {
            // The server closed the connection: whatever it answered before that is the answer.
            return (answer, false);
        }
        catch (OperationCanceledException) when (!query.WellFormed)
        {
            return (answer, true);
        }
    }

    private static byte[] Frame(byte[] message)
    {
        var framed = new byte[message.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)message.Length);
        message.CopyTo(framed, 2);
        return framed;
    }

    // An ID that differs from the case's in its first byte, so answers are told apart.
    private static ushort ProbeId(Query? query) => query is { Bytes.Length: >= 1 } && query.Bytes[0] == 0x42 ? (ushort)0x2424 : (ushort)0x4242;

    private static byte[] Probe(ushort id) => Encode(id, 0x0100, [("hello.default.svc.cluster.local", 1, 1)], edns: null);

    private static Query Generate(CsCheck.PCG pcg)
    {
        var id = (ushort)Next(pcg, 65536);
        var questions = new List<(string Name, ushort Type, ushort Class)>();
        var count = Next(pcg, 10) switch { 0 => 0, 1 => 2, _ => 1 };
        for (var i = 0; i < count; i++)
        {
            questions.Add((Name(pcg), Chance(pcg, 70) ? (ushort)1 : Pick(pcg, Types), Next(pcg, 8) switch { 0 => 3, 1 => 255, 2 => (ushort)Next(pcg, 65536), _ => 1 }));
        }

        var flags = (ushort)(Chance(pcg, 80) ? 0x0100 : Next(pcg, 65536));
        ushort? edns = Chance(pcg, 30) ? (ushort)Pick(pcg, new[] { 0, 1, 512, 1232, 4096, 65535 }) : null;
        var bytes = Encode(id, flags, questions, edns);
        var what = $"{count} question(s), flags 0x{flags:X4}" + (edns is { } size ? $", edns {size}" : string.Empty);
        var wellFormed = count == 1 && flags == 0x0100 && questions[0].Class is 1 or 3 or 255 && questions[0].Type != 41 && Fits(questions[0].Name);

        switch (Next(pcg, 8))
        {
            case 0:
                // Section counts that lie.
                BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(4 + (2 * Next(pcg, 4))), (ushort)Next(pcg, 65536));
                what += ", counts";
                wellFormed = false;
                break;
            case 1:
                // A compression pointer in the question name: forward, backward, or to itself.
                if (bytes.Length > 14)
                {
                    var at = 12 + Next(pcg, bytes.Length - 13);
                    var target = Next(pcg, 3) switch { 0 => at, 1 => 12, _ => Next(pcg, bytes.Length + 20) };
                    bytes[at] = (byte)(0xC0 | ((target >> 8) & 0x3F));
                    bytes[at + 1] = (byte)target;
                    what += $", pointer at {at} to {target}";
                    wellFormed = false;
                }

                break;
            case 2:
                bytes = MutateBytes(pcg, bytes);
                what += ", bytes";
                wellFormed = false;
                break;
            case 3:
                bytes = bytes[..Next(pcg, bytes.Length)];
                what += ", truncated";
                wellFormed = false;
                break;
        }

        return new Query(bytes, Chance(pcg, 20), wellFormed, what + " " + string.Join(" ", questions.Select(q => $"{q.Name}/{q.Type}/{q.Class}")));
    }

    // A name from the pool, or an odd one: a label of 63 or 64 bytes, a name past 255 bytes, bytes outside ASCII,
    // dots in odd places.
    private static string Name(CsCheck.PCG pcg) => Next(pcg, 10) switch
    {
        0 => new string('a', 63 + Next(pcg, 2)) + ".default.svc.cluster.local",
        1 => string.Join('.', Enumerable.Repeat("abcdefghij", 26 + Next(pcg, 3))) + ".cluster.local",
        2 => OddString(pcg).Replace('.', '-') is var odd && odd.Length > 300 ? odd[..300] + ".cluster.local" : odd + ".default.svc.cluster.local",
        3 => Pick(pcg, new[] { "..", ".", "a..b.cluster.local", "-.-.svc.cluster.local", "HELLO.DEFAULT.SVC.CLUSTER.LOCAL", "_._._.svc.cluster.local" }),
        _ => Pick(pcg, Names),
    };

    // Whether a name can be written as RFC 1035 allows: labels of 1 to 63 bytes, 255 bytes in all.
    private static bool Fits(string name)
    {
        var labels = name.Split('.', StringSplitOptions.RemoveEmptyEntries).Select(Encoding.UTF8.GetByteCount).ToList();
        return labels.All(n => n <= 63) && labels.Sum(n => n + 1) + 1 <= 255;
    }

    // A query in wire format (RFC 1035 §4), the name's labels split on dots and written as UTF-8 (a label is cut at
    // 63 bytes only by the length byte: longer ones are written whole, so the length byte lies).
    private static byte[] Encode(ushort id, ushort flags, IReadOnlyList<(string Name, ushort Type, ushort Class)> questions, ushort? edns)
    {
        var bytes = new List<byte>();
        Write16(bytes, id);
        Write16(bytes, flags);
        Write16(bytes, (ushort)questions.Count);
        Write16(bytes, 0);
        Write16(bytes, 0);
        Write16(bytes, edns is null ? (ushort)0 : (ushort)1);
        foreach (var (name, type, cls) in questions)
        {
            foreach (var label in name.Split('.', StringSplitOptions.RemoveEmptyEntries))
            {
                var utf8 = Encoding.UTF8.GetBytes(label);
                bytes.Add((byte)Math.Min(utf8.Length, 255));
                bytes.AddRange(utf8);
            }

            bytes.Add(0);
            Write16(bytes, type);
            Write16(bytes, cls);
        }

        if (edns is { } size)
        {
            bytes.Add(0); // root name
            Write16(bytes, 41);
            Write16(bytes, size);
            bytes.AddRange([0, 0, 0, 0]); // extended rcode, version, flags
            Write16(bytes, 0);
        }

        return [.. bytes];
    }

    private static void Write16(List<byte> bytes, ushort value)
    {
        bytes.Add((byte)(value >> 8));
        bytes.Add((byte)value);
    }

    private sealed record Query(byte[] Bytes, bool Tcp, bool WellFormed, string What)
    {
        public override string ToString() => $"{(Tcp ? "tcp" : "udp")} {What}: {Convert.ToHexString(Bytes)}";
    }
}
