using System.Buffers;
using System.Net.WebSockets;
using System.Text;

namespace LocalKube.Node.Kubelet.Streaming.WebSockets;

/// <summary>
/// Kubernetes' channel protocol over a WebSocket (<c>channel.k8s.io</c> and its versions): every message starts with
/// a channel number (binary) or, for the <c>base64.</c> variants, an ASCII digit followed by base64 text. v5 adds
/// the client's <c>[255, channel]</c> message that half-closes a channel (stdin's EOF).
/// </summary>
internal sealed class ChannelWebSocket
{
    /// <summary>The v5 close signal's channel.</summary>
    public const byte CloseChannel = 255;

    private readonly WebSocket _socket;
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    public ChannelWebSocket(WebSocket socket, string protocol)
    {
        _socket = socket ?? throw new ArgumentNullException(nameof(socket));
        Protocol = protocol ?? "";
        Base64 = Protocol.Contains("base64.", StringComparison.Ordinal);
    }

    /// <summary>The negotiated subprotocol (empty for a client that named none).</summary>
    public string Protocol { get; }

    /// <summary>Whether payloads travel as base64 text.</summary>
    public bool Base64 { get; }

    /// <summary>Whether the client may half-close channels (v5).</summary>
    public bool SupportsClose => Protocol.StartsWith("v5.", StringComparison.Ordinal);

    /// <summary>Sends <paramref name="data"/> on <paramref name="channel"/> as one message (an empty one is a bare channel marker).</summary>
    public async ValueTask SendAsync(byte channel, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        byte[] message;
        int length;
        if (Base64)
        {
            var text = (char)('0' + channel) + Convert.ToBase64String(data.Span);
            message = Encoding.ASCII.GetBytes(text);
            length = message.Length;
        }
        else
        {
            length = data.Length + 1;
            message = ArrayPool<byte>.Shared.Rent(length);
            message[0] = channel;
            data.Span.CopyTo(message.AsSpan(1));
        }

        try
        {
            await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await _socket.SendAsync(message.AsMemory(0, length), Base64 ? WebSocketMessageType.Text : WebSocketMessageType.Binary, true, cancellationToken)
                    .ConfigureAwait(false);
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (WebSocketException e)
        {
            throw new IOException("the WebSocket is closed", e);
        }
        finally
        {
            if (!Base64)
            {
                ArrayPool<byte>.Shared.Return(message);
            }
        }
    }

    /// <summary>
    /// Reads messages until the client closes: each is passed to <paramref name="onMessage"/> as (channel, payload).
    /// Returns normally on the client's close or a broken connection.
    /// </summary>
    public async Task ReceiveAllAsync(Func<byte, ReadOnlyMemory<byte>, ValueTask> onMessage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onMessage);
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }

                var bytes = message.GetBuffer().AsMemory(0, (int)message.Length);
                message.SetLength(0);
                if (bytes.IsEmpty)
                {
                    continue;
                }

                if (Base64)
                {
                    var text = Encoding.ASCII.GetString(bytes.Span);
                    await onMessage((byte)(text[0] - '0'), Convert.FromBase64String(text[1..])).ConfigureAwait(false);
                }
                else
                {
                    await onMessage(bytes.Span[0], bytes[1..].ToArray()).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or FormatException)
        {
            // The client went away (or cancelled): the session ends.
        }
    }

    /// <summary>Closes the WebSocket normally (1000), which tells the client every stream has ended.</summary>
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    _sendLock.Release();
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            // Already gone.
        }
    }
}
