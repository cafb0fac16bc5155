using System.Net.WebSockets;

namespace LocalKube.Dashboard.Streams;

/// <summary>Copies messages from one WebSocket to another, frame type and boundaries intact, until either closes.</summary>
internal static class WebSocketPump
{
    public static async Task CopyAsync(WebSocket from, WebSocket to, CancellationToken cancellationToken)
    {
        var buffer = new byte[32 * 1024];
        while (from.State == WebSocketState.Open && to.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            var result = await from.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                if (to.State is WebSocketState.Open or WebSocketState.CloseReceived)
                {
                    await to.CloseOutputAsync(result.CloseStatus ?? WebSocketCloseStatus.NormalClosure, result.CloseStatusDescription, cancellationToken);
                }

                return;
            }

            await to.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, cancellationToken);
        }
    }
}
