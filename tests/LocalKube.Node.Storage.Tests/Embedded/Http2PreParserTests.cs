using System.Net;
using System.Net.Sockets;
using LocalKube.Node.Storage.Server.Http2;
using LocalKube.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;

namespace LocalKube.Node.Storage.Tests.Embedded;

/// <summary>
/// The HTTP/2 pre-parser in front of the storage server's Kestrel (it repairs etcdctl's bad :authority) must close
/// a connection that sends malformed or oversized header frames, never hang it or buffer without end.
/// </summary>
public sealed class Http2PreParserTests
{
    private static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    [Test]
    public async Task Padding_longer_than_the_frame_closes_the_connection()
    {
        // HEADERS, flags PADDED|END_HEADERS, stream 1, payload of 3 bytes claiming 200 bytes of padding.
        await AssertClosedAsync(Frame(0x1, 0x8 | 0x4, 1, [200, 0x82, 0x84]));
    }

    [Test]
    public async Task A_header_block_past_the_limit_closes_the_connection()
    {
        // HEADERS without END_HEADERS, then CONTINUATIONs of 16 KiB each without end.
        var frames = new List<byte[]> { Frame(0x1, 0, 1, new byte[16384]) };
        for (var i = 0; i < AuthorityRewriter.MaxHeaderBlock / 16384 + 1; i++)
        {
            frames.Add(Frame(0x9, 0, 1, new byte[16384]));
        }

        await AssertClosedAsync([.. frames.SelectMany(f => f)]);
    }

    [Test]
    public async Task A_frame_longer_than_the_maximum_frame_size_closes_the_connection()
    {
        // Only the 9-byte header of a 1 MiB frame: the connection must not wait for the rest.
        var header = Frame(0x1, 0x4, 1, []);
        header[0] = 0x10;
        await AssertClosedAsync(header);
    }

    private static async Task AssertClosedAsync(byte[] frames)
    {
        using var folder = new TempDirectory("lk-h2");
        await using var server = await StorageServer.StartAsync(new StorageServerOptions
        {
            DataDirectory = folder.Path,
            ListenClientUrls = "http://127.0.0.1:0",
            LoggerFactory = NullLoggerFactory.Instance,
        }, CancellationToken.None);
        var port = new Uri(server.Urls[0].Replace("[::]", "127.0.0.1", StringComparison.Ordinal)).Port;
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        await stream.WriteAsync(Preface);
        await stream.WriteAsync(Frame(0x4, 0, 0, [])); // an empty SETTINGS
        try
        {
            await stream.WriteAsync(frames);
        }
        catch (IOException)
        {
            // The server may already have closed the connection while we were still writing.
        }

        // Read until the server closes the connection; it may first send its SETTINGS (and a GOAWAY).
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var buffer = new byte[4096];
        try
        {
            while (await stream.ReadAsync(buffer, timeout.Token) > 0)
            {
            }
        }
        catch (IOException)
        {
            // Reset by the server: closed too.
        }
        catch (OperationCanceledException)
        {
            Assert.Fail("the connection was still open 15 s after a malformed header block");
        }
    }

    private static byte[] Frame(byte type, byte flags, int stream, byte[] payload)
    {
        var frame = new byte[9 + payload.Length];
        frame[0] = (byte)(payload.Length >> 16);
        frame[1] = (byte)(payload.Length >> 8);
        frame[2] = (byte)payload.Length;
        frame[3] = type;
        frame[4] = flags;
        frame[5] = (byte)(stream >> 24);
        frame[6] = (byte)(stream >> 16);
        frame[7] = (byte)(stream >> 8);
        frame[8] = (byte)stream;
        payload.CopyTo(frame, 9);
        return frame;
    }
}
