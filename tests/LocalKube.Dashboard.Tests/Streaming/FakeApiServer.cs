using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LocalKube.Dashboard.Tests.Streaming;

/// <summary>
/// A small stand-in for the API server's streaming endpoints, until the kubelet and streaming branches land: one
/// pod (<c>demo/web</c>), its log (<c>follow=true</c> streams what the test writes), an exec WebSocket that behaves
/// like a tiny shell (v5 and v4 channel protocol), a port-forward WebSocket (v4 channel protocol) in front of a
/// fixed HTTP answer, and a ConfigMap list whose first watch ends in 410 Gone. Every other list is empty and every
/// other watch stays open. Started <c>strict</c> (for the fuzz target), it answers as a real API server would where
/// the streaming tests do not care: 404 for objects it does not have, 400 for a body it cannot read.
/// </summary>
public sealed class FakeApiServer : IAsyncDisposable
{
    public const string Namespace = "demo";
    public const string Pod = "web";

    private readonly WebApplication _app;
    private readonly bool _strict;

    private FakeApiServer(WebApplication app, bool strict) => (_app, _strict) = (app, strict);

    public Uri Url { get; private set; } = null!;

    /// <summary>Lines the test wants the followed log to emit.</summary>
    public Channel<string> LogLines { get; } = Channel.CreateUnbounded<string>();

    /// <summary>Every exec frame the page sent: channel and payload.</summary>
    public ConcurrentQueue<(byte Channel, string Payload)> ExecFrames { get; } = new();

    /// <summary>The subprotocol of the last exec session.</summary>
    public string? ExecProtocol { get; private set; }

    /// <summary>The query of the last exec request (command, container, tty…).</summary>
    public string? ExecQuery { get; private set; }

    /// <summary>Requests for the log, with their query strings.</summary>
    public ConcurrentQueue<string> LogRequests { get; } = new();

    /// <summary>Every request, as <c>METHOD path?query</c>, in the order they came.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>How many times the ConfigMap list was requested (1 + relists).</summary>
    public int ConfigMapLists;

    public static async Task<FakeApiServer> StartAsync(bool strict = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var fake = new FakeApiServer(app, strict);
        app.UseWebSockets();
        app.Run(fake.RecordAsync);
        await app.StartAsync();
        fake.Url = new Uri(app.Urls.First());
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        LogLines.Writer.TryComplete();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private const string DeploymentJson =
        """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"demo","uid":"uid-deploy","resourceVersion":"3","generation":1},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"app","image":"demo/app:1"}]}}},"status":{"observedGeneration":1,"replicas":1,"readyReplicas":1}}""";

    public static string PodJson(string phase = "Running") => JsonSerializer.Serialize(new
    {
        apiVersion = "v1",
        kind = "Pod",
        metadata = new { name = Pod, @namespace = Namespace, uid = "uid-web", resourceVersion = "10", creationTimestamp = DateTime.UtcNow.AddMinutes(-5).ToString("yyyy-MM-ddTHH:mm:ssZ") },
        spec = new
        {
            nodeName = "node-1",
            initContainers = new[] { new { name = "setup", image = "busybox" } },
            containers = new object[] { new { name = "app", image = "demo/app:1", ports = new[] { new { containerPort = 8080, protocol = "TCP" } } }, new { name = "sidecar", image = "demo/side:1" } },
        },
        status = new
        {
            phase,
            conditions = new[] { new { type = "Ready", status = "True" } },
            containerStatuses = new[] { new { name = "app", ready = true, restartCount = 0, image = "demo/app:1", imageID = "", state = new { running = new { startedAt = "2026-01-01T00:00:00Z" } } } },
        },
    });

    private async Task RecordAsync(HttpContext context)
    {
        Requests.Enqueue($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}");
        if (!_strict)
        {
            await HandleAsync(context);
            return;
        }

        try
        {
            if (!await NotFoundAsync(context))
            {
                await HandleAsync(context);
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException && !context.Response.HasStarted)
        {
            await StatusAsync(context, 400, "BadRequest", "the fake cannot read this request: " + e.GetType().Name);
        }
    }

    // A named object (or a subresource of one) other than demo/web's pod and Deployment does not exist.
    private static async Task<bool> NotFoundAsync(HttpContext context)
    {
        var segments = (context.Request.Path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        var rest = segments switch
        {
            ["api", "v1", .. var r] => r,
            ["apis", _, _, .. var r] => r,
            _ => null,
        };
        var named = rest is { Length: 2 or 3 } && rest[0] != "namespaces" || rest is { Length: 4 or 5 } && rest[0] == "namespaces" || rest is { Length: 2 } && rest[0] == "namespaces";
        if (rest is null || !named)
        {
            return false;
        }

        var known = rest is ["namespaces", Namespace, "pods", Pod, ..] && segments[0] == "api"
            || rest is ["namespaces", Namespace, "deployments", "web"] && segments[1] == "apps"
            || rest is ["namespaces", Namespace] && segments[0] == "api";
        if (known)
        {
            return false;
        }

        await StatusAsync(context, 404, "NotFound", $"{(rest.Length >= 4 ? rest[2] : rest[0])} \"{(rest.Length >= 4 ? rest[3] : rest[1])}\" not found");
        return true;
    }

    private static async Task StatusAsync(HttpContext context, int code, string reason, string message)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new { kind = "Status", apiVersion = "v1", metadata = new { }, status = "Failure", message, reason, code }));
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "";
        var podPath = $"/api/v1/namespaces/{Namespace}/pods/{Pod}";
        if (path == "/readyz")
        {
            await context.Response.WriteAsync("[+]ping ok\n[+]etcd ok\nreadyz check passed\n");
            return;
        }

        if (path == podPath + "/exec" && context.WebSockets.IsWebSocketRequest)
        {
            await ExecAsync(context);
            return;
        }

        if (path == podPath + "/portforward" && context.WebSockets.IsWebSocketRequest)
        {
            await PortForwardAsync(context);
            return;
        }

        if (path == podPath + "/log")
        {
            await LogAsync(context);
            return;
        }

        context.Response.ContentType = "application/json";
        if (path == "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews" && HttpMethods.IsPost(request.Method))
        {
            await AccessReviewAsync(context);
            return;
        }

        if (path == podPath)
        {
            await context.Response.WriteAsync(PodJson());
            return;
        }

        if (path == $"/apis/apps/v1/namespaces/{Namespace}/deployments/web")
        {
            await context.Response.WriteAsync(DeploymentJson);
            return;
        }

        var watch = request.Query["watch"] == "true";
        if (path == $"/api/v1/namespaces/{Namespace}/configmaps")
        {
            await ConfigMapsAsync(context, watch);
            return;
        }

        if (watch)
        {
            await HoldWatchAsync(context);
            return;
        }

        if (path == "/apis")
        {
            await context.Response.WriteAsync("""{"kind":"APIGroupList","apiVersion":"v1","groups":[]}""");
            return;
        }

        var items = path == $"/api/v1/namespaces/{Namespace}/pods" || path == "/api/v1/pods"
            ? "[" + PodJson() + "]"
            : path == "/api/v1/namespaces"
                ? """[{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"demo","uid":"ns-demo","resourceVersion":"2"}}]"""
                : path == $"/apis/apps/v1/namespaces/{Namespace}/deployments"
                    ? "[" + DeploymentJson + "]"
                    : "[]";
        await context.Response.WriteAsync($$"""{"kind":"List","apiVersion":"v1","metadata":{"resourceVersion":"10"},"items":{{items}}}""");
    }

    // This user may do anything but delete pods.
    private static async Task AccessReviewAsync(HttpContext context)
    {
        using var review = await JsonDocument.ParseAsync(context.Request.Body);
        var attributes = review.RootElement.GetProperty("spec").GetProperty("resourceAttributes");
        var denied = attributes.GetProperty("verb").GetString() == "delete" && attributes.GetProperty("resource").GetString() == "pods";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            apiVersion = "authorization.k8s.io/v1",
            kind = "SelfSubjectAccessReview",
            status = new { allowed = !denied, reason = denied ? "no RBAC rule lets user \"dev\" delete pods" : "" },
        }));
    }

    private static async Task HoldWatchAsync(HttpContext context)
    {
        context.Response.StatusCode = 200;
        await context.Response.StartAsync();
        await context.Response.Body.FlushAsync();
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The dashboard closed the watch.
        }
    }

    // The first list has one ConfigMap, the first watch expires (410), the relist has two: the page must swap
    // them in without ever showing an empty list.
    private async Task ConfigMapsAsync(HttpContext context, bool watch)
    {
        static string Cm(string name, int rv) => $$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"{{{name}}}","namespace":"demo","uid":"uid-{{{name}}}","resourceVersion":"{{{rv}}}","creationTimestamp":"2026-01-01T00:00:00Z"},"data":{"k":"v"}}""";
        if (!watch)
        {
            var lists = Interlocked.Increment(ref ConfigMapLists);
            var items = lists == 1 ? Cm("first", 5) : Cm("first", 5) + "," + Cm("second", 30);
            await context.Response.WriteAsync($$"""{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"{{(lists == 1 ? 5 : 30)}}"},"items":[{{items}}]}""");
            return;
        }

        if (Volatile.Read(ref ConfigMapLists) == 1)
        {
            await Task.Delay(1500, context.RequestAborted);
            await context.Response.WriteAsync("""{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 5 (25)","reason":"Expired","code":410}}""" + "\n");
            return;
        }

        await HoldWatchAsync(context);
    }

    private async Task LogAsync(HttpContext context)
    {
        LogRequests.Enqueue(context.Request.QueryString.Value ?? "");
        var query = context.Request.Query;
        context.Response.ContentType = "text/plain";
        var timestamps = query["timestamps"] == "true";
        string Line(string text) => (timestamps ? "2026-01-01T00:00:00.000000000Z " : "") + text + "\n";
        if (query["previous"] == "true")
        {
            await context.Response.WriteAsync(Line($"previous instance of {query["container"]} crashed"));
            return;
        }

        await context.Response.WriteAsync(Line($"starting {query["container"]}") + Line("listening on :8080") + Line("GET /healthz 200"));
        await context.Response.Body.FlushAsync();
        if (query["follow"] != "true")
        {
            return;
        }

        try
        {
            await foreach (var line in LogLines.Reader.ReadAllAsync(context.RequestAborted))
            {
                await context.Response.WriteAsync(Line(line), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        }
        catch (OperationCanceledException)
        {
            // The page stopped following.
        }
    }

    private async Task ExecAsync(HttpContext context)
    {
        ExecQuery = context.Request.QueryString.Value;
        var offered = context.WebSockets.WebSocketRequestedProtocols;
        ExecProtocol = offered.Contains("v5.channel.k8s.io") ? "v5.channel.k8s.io" : offered.FirstOrDefault();
        using var ws = await context.WebSockets.AcceptWebSocketAsync(ExecProtocol);
        var commands = context.Request.Query["command"].ToArray();
        if (context.Request.Query["container"] == "sidecar")
        {
            // An image without a shell: the runtime refuses, as the kubelet reports it.
            await SendAsync(ws, 3, $$"""{"metadata":{},"status":"Failure","message":"OCI runtime exec failed: exec: \"{{commands.FirstOrDefault()}}\": executable file not found in $PATH","reason":"InternalError"}""");
            await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            return;
        }

        await SendAsync(ws, 1, "$ ");
        var line = new StringBuilder();
        var buffer = new byte[4096];
        while (ws.State == WebSocketState.Open)
        {
            var result = await ws.ReceiveAsync(buffer, CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close || result.Count == 0)
            {
                break;
            }

            var channel = buffer[0];
            var payload = Encoding.UTF8.GetString(buffer, 1, result.Count - 1);
            ExecFrames.Enqueue((channel, payload));
            if (channel != 0)
            {
                continue;
            }

            foreach (var c in payload)
            {
                if (c is not ('\r' or '\n'))
                {
                    line.Append(c);
                    await SendAsync(ws, 1, c.ToString());
                    continue;
                }

                var command = line.ToString().Trim();
                line.Clear();
                await SendAsync(ws, 1, "\r\n");
                if (command == "exit")
                {
                    await SendAsync(ws, 3, """{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: 3","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}""");
                    await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    return;
                }

                await SendAsync(ws, 1, (command == "hostname" ? Pod : $"sh: {command}: not found") + "\r\n$ ");
            }
        }
    }

    private static async Task PortForwardAsync(HttpContext context)
    {
        var port = int.Parse(context.Request.Query["ports"].ToString(), System.Globalization.CultureInfo.InvariantCulture);
        using var ws = await context.WebSockets.AcceptWebSocketAsync("v4.channel.k8s.io");
        var prefix = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(prefix, (ushort)port);
        await ws.SendAsync(new byte[] { 0, prefix[0], prefix[1] }, WebSocketMessageType.Binary, true, CancellationToken.None);
        await ws.SendAsync(new byte[] { 1, prefix[0], prefix[1] }, WebSocketMessageType.Binary, true, CancellationToken.None);
        var request = new StringBuilder();
        var buffer = new byte[4096];
        while (ws.State == WebSocketState.Open && !request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var result = await ws.ReceiveAsync(buffer, CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            request.Append(Encoding.ASCII.GetString(buffer, 1, result.Count - 1));
        }

        const string body = "hello from pod web";
        await SendAsync(ws, 0, $"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}");
        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }

    private static Task SendAsync(WebSocket ws, byte channel, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var frame = new byte[bytes.Length + 1];
        frame[0] = channel;
        bytes.CopyTo(frame, 1);
        return ws.SendAsync(frame, WebSocketMessageType.Binary, true, CancellationToken.None);
    }
}
