using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using LocalKube.Dashboard.Upstream;
using Microsoft.Extensions.Logging;

namespace LocalKube.Dashboard.Watch;

/// <summary>
/// One browser tab's WebSocket: it multiplexes every list+watch the tab needs, plus the cluster's health, so a tab
/// holds one connection however many views it shows. Requests from the page are JSON text messages
/// <c>{"op":"watch","id":"…","path":"…","table":true,"labelSelector":"…","fieldSelector":"…"}</c> and
/// <c>{"op":"cancel","id":"…"}</c>; see <see cref="ListWatch"/> for what comes back.
/// </summary>
public sealed partial class WatchSession(WebSocket socket, KubeApi api, ClusterHealth health, ILogger logger) : IWatchSink
{
    private const int MaxWatches = 64;
    private static readonly byte[] Stopping = """{"t":"stopping"}"""u8.ToArray();

    private readonly Channel<byte[]> _outbox = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<string, (CancellationTokenSource Stop, Task Run)> _watches = new(StringComparer.Ordinal);
    private readonly List<(CancellationTokenSource Stop, Task Run)> _cancelled = [];

    public void Send(byte[] message) => _outbox.Writer.TryWrite(message);

    /// <summary>Serves the socket until the page goes away or <paramref name="shutdown"/> fires (then it says so first).</summary>
    public async Task RunAsync(CancellationToken shutdown)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
        void OnHealth(HealthSnapshot state) => Send(ClusterHealth.Message(state));
        health.Changed += OnHealth;
        Send(ClusterHealth.Message(health.Current));
        var writer = WriteLoopAsync(session.Token);
        try
        {
            await ReadLoopAsync(session.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The page closed or the server is stopping.
        }
        finally
        {
            health.Changed -= OnHealth;
            if (shutdown.IsCancellationRequested)
            {
                Send(Stopping);
            }

            _outbox.Writer.TryComplete();
            var all = _watches.Values.Concat(_cancelled).ToList();
            foreach (var (stop, _) in all)
            {
                await stop.CancelAsync();
            }

            await Task.WhenAll(all.Select(w => w.Run));
            foreach (var (stop, _) in all)
            {
                stop.Dispose();
            }

            await writer;
            if (socket.State == WebSocketState.Open)
            {
                using var close = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                try
                {
                    await socket.CloseAsync(
                        shutdown.IsCancellationRequested ? WebSocketCloseStatus.EndpointUnavailable : WebSocketCloseStatus.NormalClosure,
                        shutdown.IsCancellationRequested ? "dashboard stopped" : null,
                        close.Token);
                }
                catch (Exception e) when (e is WebSocketException or OperationCanceledException)
                {
                    // Gone already.
                }
            }
        }
    }

    private async Task ReadLoopAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        while (socket.State == WebSocketState.Open)
        {
            var result = await socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            message.Write(buffer, 0, result.Count);
            if (message.Length > 64 * 1024)
            {
                return;
            }

            if (!result.EndOfMessage)
            {
                continue;
            }

            Handle(message.ToArray(), cancellationToken);
            message.SetLength(0);
        }
    }

    private void Handle(byte[] message, CancellationToken cancellationToken)
    {
        string? op, id;
        WatchRequest request;
        try
        {
            using var json = JsonDocument.Parse(message);
            var root = json.RootElement;
            op = Str(root, "op");
            id = Str(root, "id");
            request = new WatchRequest(Str(root, "path") ?? "", root.TryGetProperty("table", out var t) && t.ValueKind == JsonValueKind.True,
                Str(root, "labelSelector"), Str(root, "fieldSelector"));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            return;
        }

        if (string.IsNullOrEmpty(id) || id.Length > 64)
        {
            return;
        }

        if (op == "cancel")
        {
            if (_watches.Remove(id, out var existing))
            {
                existing.Stop.Cancel();
                _cancelled.Add(existing);
            }

            return;
        }

        if (op != "watch")
        {
            return;
        }

        if (!request.IsValid() || _watches.Count >= MaxWatches || _watches.ContainsKey(id))
        {
            Send(JsonSerializer.SerializeToUtf8Bytes(
                new WatchError("error", id, 400, "BadRequest", request.IsValid() ? "too many watches, or a duplicate id" : $"not a collection path: {request.Path}"),
                DashboardJsonContext.Default.WatchError));
            return;
        }

        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watch = new ListWatch(id, request, api, health, this, logger);
        _watches[id] = (stop, Task.Run(() => watch.RunAsync(stop.Token), CancellationToken.None));
    }

    private async Task WriteLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in _outbox.Reader.ReadAllAsync(CancellationToken.None))
            {
                if (socket.State != WebSocketState.Open)
                {
                    continue;
                }

                // The goodbye goes out even while stopping; anything else is dropped once the session ends.
                if (ReferenceEquals(message, Stopping))
                {
                    using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                    await socket.SendAsync(message, WebSocketMessageType.Text, true, bounded.Token);
                }
                else if (!cancellationToken.IsCancellationRequested)
                {
                    await socket.SendAsync(message, WebSocketMessageType.Text, true, cancellationToken);
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            Log.WriteEnded(logger, e.Message);
        }
    }

    private static string? Str(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "watch socket closed: {Reason}")]
        public static partial void WriteEnded(ILogger logger, string reason);
    }
}
