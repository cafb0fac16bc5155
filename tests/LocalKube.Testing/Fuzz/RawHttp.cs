using System.Globalization;
using System.Text;

namespace LocalKube.Testing.Fuzz;

/// <summary>
/// One HTTP/1.1 exchange written and read byte for byte, for fuzz targets whose requests an HttpClient would refuse
/// or rewrite (odd methods, repeated and over-long headers, Upgrade and Connection lists, bodies that lie about their
/// length): the request goes out as given, and the answer is read up to the end of its body, or, for a stream (a
/// 101, a followed log), for <c>linger</c> after its head.
/// </summary>
public static class RawHttp
{
    /// <summary>Sends <paramref name="request"/> and reads the answer; null when the connection ended before a status line.</summary>
    /// <exception cref="TimeoutException">No status line came within <paramref name="timeout"/>.</exception>
    public static async Task<RawAnswer?> ExchangeAsync(Stream stream, byte[] request, TimeSpan linger, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(request);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var received = new MemoryStream();
        try
        {
            await stream.WriteAsync(request, deadline.Token);
            await stream.FlushAsync(deadline.Token);
        }
        catch (IOException)
        {
            // The server may refuse a request before it is all sent (a head too large): its answer is still read.
        }

        var buffer = new byte[16 * 1024];
        int headEnd;
        RawAnswer answer;
        while (true)
        {
            while ((headEnd = IndexOf(received, "\r\n\r\n"u8)) < 0)
            {
                var read = await ReadAsync(stream, buffer, deadline.Token, timeout);
                if (read <= 0)
                {
                    return received.Length == 0 ? null : Parse(received.ToArray(), (int)received.Length, streaming: false);
                }

                received.Write(buffer, 0, read);
            }

            answer = Parse(received.ToArray(), headEnd + 4, streaming: false);
            if (answer.Status != 100)
            {
                break;
            }

            // An interim 100 Continue: the answer follows it.
            var rest = received.ToArray()[(headEnd + 4)..];
            received.SetLength(0);
            received.Write(rest);
        }

        if (answer.Status == 101)
        {
            return answer with { Streaming = true };
        }

        if (request.AsSpan().StartsWith("HEAD "u8))
        {
            return answer;
        }

        // The body: to its Content-Length, to the last chunk, or to the close; a stream is cut after the linger.
        using var cut = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cut.CancelAfter(linger);
        while (!Complete(received, headEnd + 4, answer))
        {
            int read;
            try
            {
                read = await stream.ReadAsync(buffer, cut.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return Parse(received.ToArray(), headEnd + 4, streaming: true);
            }
            catch (IOException)
            {
                break;
            }

            if (read <= 0)
            {
                break;
            }

            received.Write(buffer, 0, read);
        }

        return Parse(received.ToArray(), headEnd + 4, streaming: false);
    }

    private static async Task<int> ReadAsync(Stream stream, byte[] buffer, CancellationToken deadline, TimeSpan timeout)
    {
        try
        {
            return await stream.ReadAsync(buffer, deadline);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"no answer within {timeout.TotalSeconds:0} s");
        }
        catch (IOException)
        {
            // A reset: whatever came before it is the answer.
            return 0;
        }
    }

    private static bool Complete(MemoryStream received, int bodyStart, RawAnswer head)
    {
        var length = received.Length - bodyStart;
        if (head.Header("Content-Length") is { } text && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var expected))
        {
            return length >= expected;
        }

        if (head.Header("Transfer-Encoding")?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true)
        {
            return length >= 5 && received.GetBuffer().AsSpan((int)received.Length - 5, 5).SequenceEqual("0\r\n\r\n"u8);
        }

        // Neither: the body ends when the server closes (or, a 204 or 304, it has none).
        return head.Status is 204 or 304;
    }

    private static RawAnswer Parse(byte[] bytes, int bodyStart, bool streaming)
    {
        var head = Encoding.Latin1.GetString(bytes, 0, Math.Min(bodyStart, bytes.Length));
        var lines = head.Split("\r\n");
        var status = lines[0].StartsWith("HTTP/1.", StringComparison.Ordinal) && lines[0].Length >= 12
            && int.TryParse(lines[0].AsSpan(9, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var code) ? code : 0;
        var headers = lines.Skip(1).Where(l => l.Contains(':', StringComparison.Ordinal))
            .Select(l => (l[..l.IndexOf(':', StringComparison.Ordinal)].Trim(), l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim())).ToList();
        var body = bytes.AsSpan(Math.Min(bodyStart, bytes.Length)).ToArray();
        var answer = new RawAnswer(status, headers, body, streaming);
        return answer.Header("Transfer-Encoding")?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true
            ? answer with { Body = Dechunk(body) }
            : answer;
    }

    // As much of a chunked body as came (a cut stream ends mid-chunk).
    private static byte[] Dechunk(byte[] body)
    {
        var output = new MemoryStream();
        var at = 0;
        while (at < body.Length)
        {
            var line = IndexOf(body.AsSpan(at), "\r\n"u8);
            if (line < 0 || !int.TryParse(Encoding.ASCII.GetString(body, at, line).Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var size) || size == 0)
            {
                break;
            }

            at += line + 2;
            var take = Math.Min(size, body.Length - at);
            output.Write(body, at, take);
            at += take + 2;
        }

        return output.ToArray();
    }

    private static int IndexOf(MemoryStream stream, ReadOnlySpan<byte> value) => IndexOf(stream.GetBuffer().AsSpan(0, (int)stream.Length), value);

    private static int IndexOf(ReadOnlySpan<byte> span, ReadOnlySpan<byte> value) => span.IndexOf(value);
}

/// <summary>An answer as <see cref="RawHttp"/> read it; <see cref="Streaming"/> when it was cut (a 101 or a body without end).</summary>
public sealed record RawAnswer(int Status, IReadOnlyList<(string Name, string Value)> Headers, byte[] Body, bool Streaming)
{
    /// <summary>The first value of a header, or null.</summary>
    public string? Header(string name) => Headers.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>The body as text (at most 2,000 characters).</summary>
    public string Text => Encoding.UTF8.GetString(Body, 0, Math.Min(Body.Length, 2000));
}
