using System.Buffers.Binary;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace LocalKube.Dashboard.Streams;

/// <summary>
/// One local TCP connection carried over the API server's port-forward WebSocket (<c>v4.channel.k8s.io</c>, the
/// protocol of the C# client): channel 0 is the port's data and channel 1 its errors; the server's first message
/// on each channel starts with the port number (2 bytes, little-endian), which is not data.
/// </summary>
internal static class PortForwardTunnel
{
    public const string Protocol = "v4.channel.k8s.io";

    /// <summary>Pumps until either side closes. Returns the error the API server reported on channel 1, if any.</summary>
    public static async Task<string?> RunAsync(Socket tcp, WebSocket ws, int port, CancellationToken cancellationToken)
    {
        using var both = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var error = new StringBuilder();
        var up = UpAsync(tcp, ws, both.Token);
        var down = DownAsync(ws, tcp, port, error, both.Token);
        try
        {
            await Task.WhenAny(up, down);
            if (down.IsCompleted)
            {
                await both.CancelAsync();
            }
            else
            {
                // The local client finished sending; keep delivering the reply until the pod side closes.
                await down;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or SocketException or IOException)
        {
            // Either side vanished.
        }

        await both.CancelAsync();
        try
        {
            await Task.WhenAll(up, down);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or SocketException or IOException)
        {
            // Already reported by the first to fail.
        }

        return error.Length == 0 ? null : error.ToString();
    }

    private static async Task UpAsync(Socket tcp, WebSocket ws, CancellationToken cancellationToken)
    {
        var buffer = new byte[32 * 1024 + 1];
        buffer[0] = 0;
        while (true)
        {
            var read = await tcp.ReceiveAsync(buffer.AsMemory(1), SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                return;
            }

            await ws.SendAsync(buffer.AsMemory(0, read + 1), WebSocketMessageType.Binary, true, cancellationToken);
        }
    }

    private static async Task DownAsync(WebSocket ws, Socket tcp, int port, StringBuilder error, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        var seenPrefix = new bool[2];
        using var message = new MemoryStream();
        while (ws.State == WebSocketState.Open)
        {
            var result = await ws.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            message.Write(buffer, 0, result.Count);
            if (!result.EndOfMessage)
            {
                continue;
            }

            var frame = message.GetBuffer().AsMemory(0, (int)message.Length);
            message.SetLength(0);
            if (frame.Length == 0 || frame.Span[0] > 1)
            {
                continue;
            }

            var channel = frame.Span[0];
            var payload = frame[1..];
            if (!seenPrefix[channel])
            {
                // The port number announces the channel; anything after it in the same frame is payload.
                if (payload.Length < 2 || BinaryPrimitives.ReadUInt16LittleEndian(payload.Span) != port)
                {
                    error.Append("the API server's port-forward stream did not start with the port number");
                    return;
                }

                seenPrefix[channel] = true;
                payload = payload[2..];
            }

            if (channel == 0)
            {
                await tcp.SendAsync(payload, SocketFlags.None, cancellationToken);
            }
            else if (payload.Length > 0)
            {
                error.Append(Encoding.UTF8.GetString(payload.Span));
            }
        }
    }
}
