using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LocalKube.Node.Networking.Dns;
using LocalKube.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace LocalKube.Node.Networking.Tests;

/// <summary>
/// Issue 12's fault "a flood of 1,000 queries/s": 10,000 queries paced at 1,000/s over UDP at the real server on
/// 127.0.0.1, mixed: valid names (service, endpoint and pod records), garbage names in the zone, oversized names
/// (past 255 bytes, or labels past 63) and garbage bytes. Throughout, a probe every 100 ms must be answered with
/// hello's address; every answer to the flood must be right for its query (the address for a valid name, NXDOMAIN
/// for a garbage name, an error for an oversized one); and the process's managed memory after a full GC may not grow
/// by more than 50 MiB. Nothing here is timed beyond waiting for answers.
/// </summary>
public sealed class DnsFloodTests
{
    private const int Queries = 10_000;
    private const int PerSecond = 1_000;
    private const long MemoryLimit = 50L * 1024 * 1024;

    // A stub resolver's patience: a probe is tried three times, two seconds each, before it counts as unanswered.
    private static readonly TimeSpan ProbeWait = TimeSpan.FromSeconds(2);
    private const int ProbeAttempts = 3;

    private static readonly (string Name, byte[] Address)[] Valid =
    [
        ("hello.default.svc.cluster.local", [10, 96, 0, 20]),
        ("HeLLo.Default.svc.cluster.local", [10, 96, 0, 20]),
        ("web-0.nginx.default.svc.cluster.local", [10, 244, 0, 7]),
        ("10-244-0-3.default.pod.cluster.local", [10, 244, 0, 3]),
    ];

    private enum Kind
    {
        Valid,
        GarbageName,
        Oversized,
        GarbageBytes,
    }

    [Test]
    public async Task A_flood_of_mixed_queries_leaves_the_server_answering_correctly_and_its_memory_bounded()
    {
        var endpoint = new IPEndPoint(IPAddress.Loopback, FreeTcpPort.GetForUdpAndTcp());
        using var server = new ClusterDnsServer(endpoint, new ClusterDnsResolver(FakeDnsData.Sample()), [], NullLogger.Instance);
        server.Start();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var prober = new Prober(endpoint);
        Assert.That(await prober.AskAsync(deadline.Token), Is.EqualTo(Outcome.Right), "the server answers before the flood");
        var before = GC.GetTotalMemory(forceFullCollection: true);

        using var floodDone = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
        var probing = prober.RunAsync(TimeSpan.FromMilliseconds(100), floodDone.Token);
        var flood = await FloodAsync(endpoint, deadline.Token);
        await floodDone.CancelAsync();
        var probes = await probing;
        var after = GC.GetTotalMemory(forceFullCollection: true);

        var summary = $"flood: {flood}; probes: {probes.Right} right, {probes.Wrong} wrong, {probes.Unanswered} unanswered; "
            + $"managed memory {before / 1024} KiB before, {after / 1024} KiB after";
        await TestContext.Out.WriteLineAsync(summary);
        Assert.Multiple(() =>
        {
            Assert.That(flood.Wrong, Is.Empty, summary);
            Assert.That(probes.Wrong, Is.Zero, summary);
            Assert.That(probes.Unanswered, Is.Zero, summary);
            Assert.That(probes.Right, Is.GreaterThanOrEqualTo(20), "probes ran throughout the flood: " + summary);
            Assert.That(flood.Answered[Kind.Valid], Is.GreaterThanOrEqualTo(flood.Sent[Kind.Valid] / 2), "the flood's valid queries were served: " + summary);
            Assert.That(flood.Answered[Kind.GarbageName], Is.GreaterThanOrEqualTo(flood.Sent[Kind.GarbageName] / 2), "the flood's garbage names were answered: " + summary);
            Assert.That(after - before, Is.LessThanOrEqualTo(MemoryLimit), summary);
        });
    }

    // Sends the flood from one socket, paced at PerSecond (a burst after a stall is capped, so a descheduled test
    // does not turn into a spike), while a receiver checks every answer against what its query expects.
    private static async Task<FloodResult> FloodAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        var random = new Random(12);
        var expected = new Kind?[ushort.MaxValue + 1];
        var addresses = new byte[ushort.MaxValue + 1][];
        var result = new FloodResult();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 1 << 20 };
        socket.Connect(endpoint);
        using var receiving = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var receiver = ReceiveAsync(socket, expected, addresses, result, receiving.Token);

        var clock = Stopwatch.StartNew();
        var sent = 0;
        while (sent < Queries)
        {
            var due = Math.Min(Queries, Math.Min((int)(clock.Elapsed.TotalSeconds * PerSecond), sent + 50));
            for (; sent < due; sent++)
            {
                var id = (ushort)sent;
                var kind = (sent % 20) switch { < 8 => Kind.Valid, < 13 => Kind.GarbageName, < 17 => Kind.Oversized, _ => Kind.GarbageBytes };
                byte[] query;
                if (kind == Kind.Valid)
                {
                    var (name, address) = Valid[random.Next(Valid.Length)];
                    addresses[id] = address;
                    query = Encode(id, name.Split('.'));
                }
                else
                {
                    query = kind switch
                    {
                        Kind.GarbageName => Encode(id, [.. GarbageLabels(random), "default", "svc", "cluster", "local"]),
                        Kind.Oversized => Encode(id, [.. OversizedLabels(random), "default", "svc", "cluster", "local"]),
                        _ => GarbageBytes(random, id),
                    };
                }

                expected[id] = kind;
                result.Sent[kind]++;
                await socket.SendAsync(query, SocketFlags.None, cancellationToken);
            }

            await Task.Delay(10, cancellationToken);
        }

        result.Seconds = clock.Elapsed.TotalSeconds;
        // The last answers' grace: the server has had a second for the last queries.
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        await receiving.CancelAsync();
        await receiver;
        return result;
    }

    private static async Task ReceiveAsync(Socket socket, Kind?[] expected, byte[][] addresses, FloodResult result, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        while (true)
        {
            int length;
            try
            {
                length = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var answer = buffer.AsSpan(0, length);
            if (length < 12 || expected[BinaryPrimitives.ReadUInt16BigEndian(answer)] is not { } kind)
            {
                result.Note($"an answer of {length} bytes to no query sent");
                continue;
            }

            var id = BinaryPrimitives.ReadUInt16BigEndian(answer);
            var code = answer[3] & 0x0f;
            var records = BinaryPrimitives.ReadUInt16BigEndian(answer[6..]);
            result.Answered[kind]++;
            var right = (answer[2] & 0x80) != 0 && kind switch
            {
                Kind.Valid => code == 0 && records == 1 && answer[^4..].SequenceEqual(addresses[id]),
                Kind.GarbageName => code == 3 && records == 0,
                Kind.Oversized => code != 0 && records == 0,
                // Random bytes may even parse as a query; all that matters is a DNS-shaped response.
                _ => true,
            };
            if (!right)
            {
                result.Note($"{kind} query {id}: answer {Convert.ToHexString(answer)}");
            }
        }
    }

    // One to three labels of letters, digits and hyphens that name nothing in the zone.
    private static string[] GarbageLabels(Random random) =>
        Enumerable.Range(0, 1 + random.Next(3)).Select(_ => new string(Enumerable.Range(0, 1 + random.Next(40)).Select(_ => "abcdefghijklmnopqrstuvwxyz0123456789-"[random.Next(37)]).ToArray())).ToArray();

    // Either labels of 63 bytes adding up past 255, or one label of 64 to 150 bytes (its length byte then carries
    // the reserved label-type bits).
    private static string[] OversizedLabels(Random random) => random.Next(2) == 0
        ? Enumerable.Repeat(new string('a', 63), 4 + random.Next(3)).ToArray()
        : [new string('b', 64 + random.Next(87))];

    private static byte[] GarbageBytes(Random random, ushort id)
    {
        var bytes = new byte[12 + random.Next(600)];
        random.NextBytes(bytes);
        BinaryPrimitives.WriteUInt16BigEndian(bytes, id);
        return bytes;
    }

    // An A query, RD set, no EDNS; each label's length byte is its length, whatever that is.
    private static byte[] Encode(ushort id, IEnumerable<string> labels)
    {
        var bytes = new List<byte>(300);
        bytes.AddRange([(byte)(id >> 8), (byte)id, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
        foreach (var label in labels)
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(Encoding.ASCII.GetBytes(label));
        }

        bytes.AddRange([0, 0, 1, 0, 1]);
        return [.. bytes];
    }

    private enum Outcome
    {
        Right,
        Wrong,
        Unanswered,
    }

    private sealed class FloodResult
    {
        public Dictionary<Kind, int> Sent { get; } = Enum.GetValues<Kind>().ToDictionary(k => k, _ => 0);

        public Dictionary<Kind, int> Answered { get; } = Enum.GetValues<Kind>().ToDictionary(k => k, _ => 0);

        public List<string> Wrong { get; } = [];

        public double Seconds { get; set; }

        // Keeps the first ten wrong answers for the message (one is enough to fail).
        public void Note(string wrong)
        {
            if (Wrong.Count < 10)
            {
                Wrong.Add(wrong);
            }
        }

        public override string ToString() =>
            $"{Sent.Values.Sum()} sent in {Seconds:F1} s; answered " + string.Join(", ", Sent.Keys.Select(k => $"{k} {Answered[k]}/{Sent[k]}"))
            + (Wrong.Count == 0 ? "" : "; wrong: " + string.Join(" | ", Wrong));
    }

    // The probe: an A query for hello from its own socket, which must answer 10.96.0.20.
    private sealed class Prober(IPEndPoint endpoint) : IDisposable
    {
        private readonly Socket _socket = Connected(endpoint);
        private readonly byte[] _buffer = new byte[1024];
        private ushort _id;

        public void Dispose() => _socket.Dispose();

        public async Task<(int Right, int Wrong, int Unanswered)> RunAsync(TimeSpan period, CancellationToken cancellationToken)
        {
            int right = 0, wrong = 0, unanswered = 0;
            using var timer = new PeriodicTimer(period);
            try
            {
                while (await timer.WaitForNextTickAsync(cancellationToken))
                {
                    switch (await AskAsync(cancellationToken))
                    {
                        case Outcome.Right: right++; break;
                        case Outcome.Wrong: wrong++; break;
                        default: unanswered++; break;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // The flood is over.
            }

            return (right, wrong, unanswered);
        }

        public async Task<Outcome> AskAsync(CancellationToken cancellationToken)
        {
            for (var attempt = 0; attempt < ProbeAttempts; attempt++)
            {
                var id = ++_id;
                await _socket.SendAsync(Encode(id, ["hello", "default", "svc", "cluster", "local"]), SocketFlags.None, cancellationToken);
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                wait.CancelAfter(ProbeWait);
                try
                {
                    while (true)
                    {
                        var length = await _socket.ReceiveAsync(_buffer, SocketFlags.None, wait.Token);
                        if (length >= 2 && BinaryPrimitives.ReadUInt16BigEndian(_buffer) == id)
                        {
                            var answer = _buffer.AsSpan(0, length);
                            return length > 16 && (answer[3] & 0x0f) == 0 && answer[^4..].SequenceEqual(Valid[0].Address) ? Outcome.Right : Outcome.Wrong;
                        }
                    }
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // Not answered in time: ask again, as a resolver would.
                }
            }

            return Outcome.Unanswered;
        }

        private static Socket Connected(IPEndPoint endpoint)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Connect(endpoint);
            return socket;
        }
    }
}
