using System.Net.WebSockets;
using System.Text;
using LocalKube.Dashboard.Upstream;
using Microsoft.AspNetCore.Http;

namespace LocalKube.Dashboard.Streams;

/// <summary>
/// <c>/api/exec</c>: joins the page's terminal to the API server's exec WebSocket. The page speaks the channel
/// protocol itself (a channel byte before each binary message: 0 stdin, 1 stdout, 2 stderr, 3 status, 4 resize,
/// 255 close in v5) and offers <c>v5.channel.k8s.io</c> then <c>v4.channel.k8s.io</c>, as kubectl and the C# client
/// do; the bridge offers the API server the same list and accepts the page with whichever the server chose, then
/// copies frames both ways untouched. A refused upgrade reaches the page as a channel-3 Failure status, the way the
/// API server reports a failed command, so the terminal shows why.
/// </summary>
public sealed class ExecBridge(KubeApi api)
{
    public static readonly string[] Protocols = ["v5.channel.k8s.io", "v4.channel.k8s.io"];

    public async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var query = context.Request.Query;
        var ns = query["namespace"].ToString();
        var pod = query["pod"].ToString();
        var commands = query["command"].OfType<string>().Where(c => c.Length > 0).ToList();
        var tty = query["tty"] == "true";
        // Once each: ClientWebSocket refuses a subprotocol offered twice (ArgumentException, a 500 before the fix).
        var offered = context.WebSockets.WebSocketRequestedProtocols.Where(Protocols.Contains).Distinct(StringComparer.Ordinal).ToList();
        if (offered.Count == 0)
        {
            offered.AddRange(Protocols);
        }

        var path = new StringBuilder($"/api/v1/namespaces/{Uri.EscapeDataString(ns)}/pods/{Uri.EscapeDataString(pod)}/exec?");
        foreach (var command in commands)
        {
            path.Append("command=").Append(Uri.EscapeDataString(command)).Append('&');
        }

        if (query["container"].ToString() is { Length: > 0 } container)
        {
            path.Append("container=").Append(Uri.EscapeDataString(container)).Append('&');
        }

        path.Append("stdin=true&stdout=true&tty=").Append(tty ? "true" : "false").Append(tty ? "" : "&stderr=true");

        ClientWebSocket? upstream = null;
        string? failure = null;
        if (ns.Length == 0 || pod.Length == 0 || commands.Count == 0)
        {
            failure = "namespace, pod and command are required";
        }
        else
        {
            try
            {
                upstream = await api.ConnectWebSocketAsync(path.ToString(), offered, context.RequestAborted);
            }
            catch (ApiStatusException e)
            {
                failure = e.Message;
            }
            catch (Exception e) when (e is WebSocketException or HttpRequestException or IOException)
            {
                failure = "cannot reach the API server: " + Watch.ClusterHealth.Describe(e);
            }
        }

        var protocol = upstream?.SubProtocol is { Length: > 0 } chosen ? chosen : offered[0];
        using var page = await context.WebSockets.AcceptWebSocketAsync(protocol);
        if (upstream is null)
        {
            await FailAsync(page, failure ?? "the exec request failed", context.RequestAborted);
            return;
        }

        using (upstream)
        {
            using var both = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            var toServer = WebSocketPump.CopyAsync(page, upstream, both.Token);
            var toPage = WebSocketPump.CopyAsync(upstream, page, both.Token);
            try
            {
                // The API server ends a session (status on channel 3, then close 1000); the page may end it too. The
                // close is passed on, then the other side gets a moment to answer it: cancelling a receive aborts the
                // socket, and an abort would drop the status frame still on its way to the page.
                var first = await Task.WhenAny(toServer, toPage);
                var other = first == toServer ? toPage : toServer;
                if (await Task.WhenAny(other, Task.Delay(TimeSpan.FromSeconds(2), context.RequestAborted)) != other)
                {
                    await both.CancelAsync();
                }

                await Task.WhenAll(toServer, toPage);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
            {
                // One side vanished; the other is closed below.
            }

            await CloseQuietlyAsync(page);
            await CloseQuietlyAsync(upstream);
        }
    }

    /// <summary>Tells the page why there is no session, as a channel-3 status, then closes.</summary>
    internal static async Task FailAsync(WebSocket page, string message, CancellationToken cancellationToken)
    {
        var status = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(
            new ApiStatus(null, null, "Failure", "InternalError", 500, message), DashboardJsonContext.Default.ApiStatus);
        var frame = new byte[status.Length + 1];
        frame[0] = 3;
        status.CopyTo(frame, 1);
        try
        {
            await page.SendAsync(frame, WebSocketMessageType.Binary, true, cancellationToken);
            await page.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken);
        }
        catch (WebSocketException)
        {
            // The page left first.
        }
    }

    internal static async Task CloseQuietlyAsync(WebSocket socket)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            socket.Abort();
        }
    }
}
