using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LocalKube.Networking.Bench;

/// <summary>One A query in wire format and the address its answer must carry.</summary>
internal sealed record DnsProbe(byte[] Query, byte[] Address)
{
    /// <summary>An A query (RD set, no EDNS) for <paramref name="name"/>, whose answer must be <paramref name="address"/>.</summary>
    public static DnsProbe For(string name, string address)
    {
        var bytes = new List<byte>(64) { 0, 0, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 };
        foreach (var label in name.Split('.'))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(Encoding.ASCII.GetBytes(label));
        }

        bytes.AddRange([0, 0, 1, 0, 1]);
        return new DnsProbe([.. bytes], IPAddress.Parse(address).GetAddressBytes());
    }
}

/// <summary>What a load run saw inside its measuring window.</summary>
internal sealed record LoadResult(long Answered, long Wrong, long Lost, double Seconds, double[] LatenciesMs, double CpuSeconds)
{
    public double Qps => Answered / Seconds;

    /// <summary>Nearest-rank percentile of the latencies.</summary>
    public double Percentile(double p) =>
        LatenciesMs.Length == 0 ? double.NaN : LatenciesMs[Math.Clamp((int)Math.Ceiling(p / 100 * LatenciesMs.Length) - 1, 0, LatenciesMs.Length - 1)];
}

/// <summary>
/// A closed-loop UDP load: each client has its own connected socket and sends the next query only once the last one
/// was answered (or waited for a second), as a pod's resolver does; queries cycle through every service. The client
/// does the least it can (pre-encoded queries, an ID patched in, the answer checked by its header and address bytes)
/// so that when it shares the server's process and core, most of the CPU still goes to the server.
/// </summary>
internal static class DnsLoad
{
    private static readonly TimeSpan AnswerWait = TimeSpan.FromSeconds(1);

    public static async Task<LoadResult> RunAsync(IPEndPoint server, IReadOnlyList<DnsProbe> probes, int clients, int cpuOf, TimeSpan warmup, TimeSpan duration, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var from = start + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        var until = from + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        // The CPU of process cpuOf (this one: server and clients together) over the window.
        var cpu = Task.Run(
            async () =>
            {
                await Task.Delay(warmup, cancellationToken);
                var before = ProcessCpu(cpuOf);
                await Task.Delay(duration, cancellationToken);
                return (ProcessCpu(cpuOf) - before).TotalSeconds;
            },
            cancellationToken);
        var runs = Enumerable.Range(0, clients).Select(c => ClientAsync(server, probes, c * (probes.Count / clients), from, until, cancellationToken)).ToList();
        var results = await Task.WhenAll(runs);
        var latencies = results.SelectMany(r => r.Latencies).Select(t => t * 1000.0 / Stopwatch.Frequency).ToArray();
        Array.Sort(latencies);
        return new LoadResult(latencies.Length, results.Sum(r => r.Wrong), results.Sum(r => r.Lost), duration.TotalSeconds, latencies, await cpu);
    }

    /// <summary>The CPU time (user and system) so far of process <paramref name="pid"/>.</summary>
    public static TimeSpan ProcessCpu(int pid)
    {
        using var process = Process.GetProcessById(pid);
        return process.TotalProcessorTime;
    }

    private static async Task<(List<long> Latencies, long Wrong, long Lost)> ClientAsync(IPEndPoint server, IReadOnlyList<DnsProbe> probes, int offset, long from, long until, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(server);
        var send = new byte[512];
        var receive = new byte[1024];
        var latencies = new List<long>(1 << 16);
        long wrong = 0, lost = 0;
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            for (var i = offset; ; i++)
            {
                var sent = Stopwatch.GetTimestamp();
                if (sent >= until)
                {
                    break;
                }

                var probe = probes[i % probes.Count];
                var id = (ushort)i;
                probe.Query.CopyTo(send, 0);
                BinaryPrimitives.WriteUInt16BigEndian(send, id);
                await socket.SendAsync(send.AsMemory(0, probe.Query.Length), SocketFlags.None, cancellationToken);
                timeout.CancelAfter(AnswerWait);
                int length;
                try
                {
                    // Skip late answers to earlier queries that had been given up on.
                    do
                    {
                        length = await socket.ReceiveAsync(receive, SocketFlags.None, timeout.Token);
                    }
                    while (length < 2 || BinaryPrimitives.ReadUInt16BigEndian(receive) != id);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    if (sent >= from)
                    {
                        lost++;
                    }

                    timeout.Dispose();
                    timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    continue;
                }

                var elapsed = Stopwatch.GetTimestamp() - sent;
                if (!timeout.TryReset())
                {
                    timeout.Dispose();
                    timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                }

                if (sent < from)
                {
                    continue;
                }

                if (IsRight(receive.AsSpan(0, length), probe.Address))
                {
                    latencies.Add(elapsed);
                }
                else
                {
                    wrong++;
                }
            }
        }
        finally
        {
            timeout.Dispose();
        }

        return (latencies, wrong, lost);
    }

    // QR set, NOERROR, one answer, and the answer's address is the last four bytes (no authority or additional
    // section: the query has no EDNS).
    private static bool IsRight(ReadOnlySpan<byte> answer, byte[] address) =>
        answer.Length > 16 && (answer[2] & 0x80) != 0 && (answer[3] & 0x0f) == 0
        && BinaryPrimitives.ReadUInt16BigEndian(answer[6..]) == 1 && answer[^4..].SequenceEqual(address);
}
