using System.Buffers.Binary;
using System.Text;
using LocalKube.Node.Kubelet.Runtime;
using LocalKube.Node.Kubelet.Streaming.WebSockets;

namespace LocalKube.Node.Kubelet.Streaming.PortForward;

/// <summary>
/// Port-forward over WebSocket channels (the C# client's <c>v4.channel.k8s.io</c>, ports in the <c>ports</c>
/// query): port i has data channel 2i and error channel 2i+1, and the first message on each is the port number
/// (2 bytes, little-endian). One connection into the pod per port, for the life of the WebSocket.
/// </summary>
internal static class WebSocketPortForwarder
{
    /// <summary>Forwards <paramref name="ports"/> until the client closes the WebSocket.</summary>
    public static async Task ServeAsync(
        ChannelWebSocket socket, IReadOnlyList<int> ports, string pod, Func<int, CancellationToken, Task<Stream>> dial, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(ports);
        ArgumentNullException.ThrowIfNull(dial);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var targets = new Stream?[ports.Count];
        var copies = new List<Task>();
        try
        {
            for (var i = 0; i < ports.Count; i++)
            {
                var number = new byte[2];
                BinaryPrimitives.WriteUInt16LittleEndian(number, (ushort)ports[i]);
                await socket.SendAsync((byte)(2 * i), number, stop.Token).ConfigureAwait(false);
                await socket.SendAsync((byte)(2 * i + 1), number, stop.Token).ConfigureAwait(false);
                try
                {
                    targets[i] = await dial(ports[i], stop.Token).ConfigureAwait(false);
                    copies.Add(CopyOutAsync(targets[i]!, socket, (byte)(2 * i), stop.Token));
                }
                catch (Exception e) when (e is ContainerRuntimeException or RuntimeUnavailableException or IOException)
                {
                    var message = $"error forwarding port {ports[i]} to pod {pod}, uid : {e.Message}";
                    await socket.SendAsync((byte)(2 * i + 1), Encoding.UTF8.GetBytes(message), stop.Token).ConfigureAwait(false);
                }
            }

            await socket.ReceiveAllAsync(async (channel, payload) =>
            {
                if (channel % 2 == 0 && channel / 2 < targets.Length && targets[channel / 2] is { } target && !payload.IsEmpty)
                {
                    await target.WriteAsync(payload, stop.Token).ConfigureAwait(false);
                }
            }, stop.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The client or the pod went away.
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            foreach (var target in targets)
            {
                if (target is not null)
                {
                    await target.DisposeAsync().ConfigureAwait(false);
                }
            }

            await Task.WhenAll(copies).ConfigureAwait(false);
            await socket.CloseAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async Task CopyOutAsync(Stream target, ChannelWebSocket socket, byte channel, CancellationToken ct)
    {
        var buffer = new byte[32 * 1024];
        try
        {
            while (true)
            {
                var n = await target.ReadAsync(buffer, ct).ConfigureAwait(false);
                if (n == 0)
                {
                    return;
                }

                await socket.SendAsync(channel, buffer.AsMemory(0, n), ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // Either side closed.
        }
    }
}
