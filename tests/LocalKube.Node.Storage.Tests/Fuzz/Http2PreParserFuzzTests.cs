using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using LocalKube.Node.Storage.Server.Http2;
using LocalKube.Testing.Fuzz;
using Microsoft.AspNetCore.Connections;
using NUnit.Framework;
using static LocalKube.Testing.Fuzz.Mutations;

namespace LocalKube.Node.Storage.Tests.Fuzz;

/// <summary>
/// Feeds the HTTP/2 pre-parser in front of the etcd endpoint (<see cref="AuthorityRewriter"/>, with its HPACK
/// decoder) client byte streams built from valid frames and then broken: odd flags, padding and priority fields
/// longer than the frame, lying lengths, split header blocks, garbage HPACK (bad indexes, huge integers, bad
/// Huffman, table size updates). The connection must end cleanly or with an <see cref="InvalidDataException"/>
/// (Kestrel then closes it), never with another exception and never hang.
/// </summary>
[TestFixture]
[Category("Fuzz")]
public sealed class Http2PreParserFuzzTests
{
    private const int Cases = 1_500;

    private static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    [Test]
    public async Task Broken_client_streams_end_cleanly_or_with_a_protocol_error()
    {
        var gen = new FuzzGen<Stream2>(Generate, s => s.Bytes.Length);
        var report = await FuzzRun.RunAsync("http2-preparser", gen, CheckAsync, Cases, s => s.ToString());
        Assert.That(report.Outcomes.Keys, Is.SupersetOf(new[] { "passed through", "rewritten", "refused" }));
    }

    private static Task<string> CheckAsync(Stream2 stream) => RunAsync(stream.Bytes);

    /// <summary>Runs one client byte stream through the pre-parser: "refused", "passed through", "rewritten" or "short".</summary>
    internal static async Task<string> RunAsync(byte[] bytes)
    {
        var input = new Pipe();
        var output = new Pipe();
        var context = new DefaultConnectionContext("fuzz", new Duplex(input.Reader, output.Writer), new Duplex(output.Reader, input.Writer));
        var seen = new ArrayBufferWriter<byte>();
        var run = AuthorityRewriter.Wrap(async ctx =>
        {
            while (true)
            {
                var result = await ctx.Transport.Input.ReadAsync();
                foreach (var segment in result.Buffer)
                {
                    seen.Write(segment.Span);
                }

                ctx.Transport.Input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    return;
                }
            }
        })(context);

        // Written in a few pieces, as a socket delivers them.
        var at = 0;
        var piece = 1 + (bytes.Length / 3);
        while (at < bytes.Length)
        {
            var n = Math.Min(piece, bytes.Length - at);
            await input.Writer.WriteAsync(bytes.AsMemory(at, n));
            at += n;
        }

        await input.Writer.CompleteAsync();
        var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(10)));
        if (finished != run)
        {
            throw new AssertionException("the pre-parser hung on this input");
        }

        try
        {
            await run;
        }
        catch (InvalidDataException)
        {
            return "refused";
        }

        if (seen.WrittenSpan.SequenceEqual(bytes))
        {
            return "passed through";
        }

        return bytes.Length >= Preface.Length ? "rewritten" : "short";
    }

    private static Stream2 Generate(CsCheck.PCG pcg)
    {
        var frames = new List<byte[]>
        {
            Frame(4, 0, 0, Chance(pcg, 50) ? [] : [0, 3, 0, 0, 0, 100, 0, 1, 0, 0, 0x10, 0]),
        };
        var badAuthority = Chance(pcg, 60);
        var what = badAuthority ? "bad authority" : "good authority";
        for (var stream = 1; stream <= 1 + (2 * Next(pcg, 3)); stream += 2)
        {
            var block = Block(pcg, badAuthority, stream > 1);
            var flags = (byte)(Chance(pcg, 50) ? 0x1 : 0);
            var prefix = new List<byte>();
            if (Chance(pcg, 15))
            {
                flags |= 0x20; // PRIORITY: 5 bytes before the block
                prefix.AddRange([0, 0, 0, 0, 16]);
            }

            if (Chance(pcg, 15))
            {
                flags |= 0x08; // PADDED: a length byte, then padding after the block
                var pad = Next(pcg, 20);
                block = [.. block, .. new byte[pad]];
                prefix.Insert(0, (byte)pad);
            }

            if (Chance(pcg, 25) && block.Length > 2)
            {
                var cut = 1 + Next(pcg, block.Length - 1);
                frames.Add(Frame(1, flags, stream, [.. prefix, .. block[..cut]]));
                frames.Add(Frame(9, 0x4, stream, block[cut..]));
                what += ", continuation";
            }
            else
            {
                frames.Add(Frame(1, (byte)(flags | 0x4), stream, [.. prefix, .. block]));
            }

            frames.Add(Frame(0, 0x1, stream, [0, 0, 0, 0, 2, 0x0a, 0]));
        }

        switch (Next(pcg, 6))
        {
            case 0:
                // Odd flags on a header frame.
                var headers = frames.FindIndex(f => f[3] == 1);
                frames[headers][4] = (byte)Next(pcg, 256);
                what += ", flags";
                break;
            case 1:
                // A frame whose length field lies.
                var lie = Pick(pcg, frames);
                var length = Next(pcg, 3) == 0 ? 0xFFFFFF : Next(pcg, 40);
                (lie[0], lie[1], lie[2]) = ((byte)(length >> 16), (byte)(length >> 8), (byte)length);
                what += ", length";
                break;
            case 2:
                // Garbage in a header block.
                var index = frames.FindIndex(f => f[3] == 1);
                var frame = frames[index];
                frames[index] = Frame(1, frame[4], 1, MutateBytes(pcg, frame[9..]));
                what += ", hpack bytes";
                break;
            case 3:
                // A CONTINUATION nobody asked for, or a frame of an unknown type.
                frames.Insert(1 + Next(pcg, frames.Count), Frame(Chance(pcg, 50) ? (byte)9 : (byte)Next(pcg, 256), (byte)Next(pcg, 256), Next(pcg, 4), Encoding.ASCII.GetBytes(OddString(pcg))));
                what += ", stray frame";
                break;
        }

        byte[] bytes = [.. Preface, .. frames.SelectMany(f => f)];
        if (Chance(pcg, 30))
        {
            bytes = MutateBytes(pcg, bytes);
            what += ", bytes";
        }

        return new Stream2(bytes, what);
    }

    // A header block: static-table entries, literals with and without indexing (the second stream refers to the
    // first one's dynamic table), sometimes a table size update or a Huffman-coded string.
    private static byte[] Block(CsCheck.PCG pcg, bool badAuthority, bool second)
    {
        var block = new List<byte>();
        if (Chance(pcg, 10))
        {
            block.AddRange([0x3f, 0xe1, 0x1f]); // table size update to 4096
        }

        block.AddRange([0x83, 0x86]); // :method POST, :scheme http
        block.AddRange(Literal(0x44, "/etcdserverpb.KV/Range")); // :path (static index 4), incremental indexing
        if (second && Chance(pcg, 70))
        {
            block.Add(0xbe); // the first dynamic entry
        }
        else
        {
            block.AddRange(Literal(Chance(pcg, 50) ? (byte)0x41 : (byte)0x01, badAuthority ? "http://127.0.0.1:2379" : "127.0.0.1:2379"));
        }

        block.AddRange(Literal(0x5f, "application/grpc")); // content-type (static index 31)
        block.AddRange(Literal(0x00, "te", "trailers"));
        switch (Next(pcg, 8))
        {
            case 0:
                block.AddRange([0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]); // an index too large to be one
                break;
            case 1:
                block.AddRange([0x00, 0x85, 0xff, 0xff, 0xff, 0xff, 0xff]); // a Huffman name of garbage
                break;
            case 2:
                block.AddRange([0x3f, 0xff, 0xff, 0xff, 0x0f]); // a huge table size update
                break;
            case 3:
                block.AddRange([0x00, 0x7f, 0xff, 0xff, 0xff, 0xff, 0x0f]); // a name length past the block
                break;
        }

        return [.. block];
    }

    // A literal whose name is a static-table index carried in the prefix byte (0x0N without indexing, 0x4N with).
    private static byte[] Literal(byte prefix, string value) => [prefix, (byte)value.Length, .. Encoding.ASCII.GetBytes(value)];

    private static byte[] Literal(byte first, string name, string value) =>
        [first, (byte)name.Length, .. Encoding.ASCII.GetBytes(name), (byte)value.Length, .. Encoding.ASCII.GetBytes(value)];

    private static byte[] Frame(byte type, byte flags, int stream, byte[] payload) =>
        [(byte)(payload.Length >> 16), (byte)(payload.Length >> 8), (byte)payload.Length, type, flags,
         (byte)(stream >> 24), (byte)(stream >> 16), (byte)(stream >> 8), (byte)stream, .. payload];

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    /// <summary>One client byte stream.</summary>
    internal sealed record Stream2(byte[] Bytes, string What)
    {
        public override string ToString() => $"{What}: {Convert.ToHexString(Bytes.AsSpan(0, Math.Min(Bytes.Length, 3000)))}";
    }
}
