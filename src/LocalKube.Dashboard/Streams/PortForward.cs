using System.Net;
using System.Net.Sockets;
using LocalKube.Dashboard.Upstream;
using Microsoft.Extensions.Logging;

namespace LocalKube.Dashboard.Streams;

/// <summary>One forward: a listener on 127.0.0.1 whose every connection is tunnelled to the target's pod port.</summary>
public sealed partial class PortForward : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly KubeApi _api;
    private readonly PortForwardResolver _resolver;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Lock _gate = new();
    private Task? _accept;
    private int _active;
    private long _total;

    internal PortForward(string id, PortForwardTarget target, TcpListener listener, KubeApi api, PortForwardResolver resolver, ILogger logger)
    {
        Id = id;
        Target = target;
        _listener = listener;
        _api = api;
        _resolver = resolver;
        _logger = logger;
        LocalPort = ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public string Id { get; }

    public PortForwardTarget Target { get; }

    public int LocalPort { get; }

    public int ActiveConnections => Volatile.Read(ref _active);

    public long TotalConnections => Interlocked.Read(ref _total);

    /// <summary>The last failure to reach the pod (cleared by the next success).</summary>
    public string? LastError { get; private set; }

    public DateTimeOffset Created { get; } = DateTimeOffset.UtcNow;

    /// <summary>Listens on 127.0.0.1:<paramref name="localPort"/> (0: any free port).</summary>
    internal static PortForward Start(string id, PortForwardTarget target, int localPort, KubeApi api, PortForwardResolver resolver, ILogger logger)
    {
        var listener = new TcpListener(IPAddress.Loopback, localPort);
        listener.Start();
        var forward = new PortForward(id, target, listener, api, resolver, logger);
        forward._accept = forward.AcceptLoopAsync(forward._stop.Token);
        return forward;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        if (_accept is not null)
        {
            await _accept;
        }

        Task[] running;
        lock (_gate)
        {
            running = [.. _connections];
        }

        await Task.WhenAll(running);
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(cancellationToken);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (_gate)
            {
                _connections.RemoveAll(t => t.IsCompleted);
                _connections.Add(ServeAsync(client, cancellationToken));
            }
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken cancellationToken)
    {
        await Task.Yield();
        Interlocked.Increment(ref _active);
        Interlocked.Increment(ref _total);
        try
        {
            using (client)
            {
                var (pod, port) = await _resolver.ResolveAsync(Target, cancellationToken);
                var path = $"/api/v1/namespaces/{Uri.EscapeDataString(Target.Namespace)}/pods/{Uri.EscapeDataString(pod)}/portforward?ports={port}";
                using var ws = await _api.ConnectWebSocketAsync(path, [PortForwardTunnel.Protocol], cancellationToken);
                LastError = null;
                var error = await PortForwardTunnel.RunAsync(client, ws, port, cancellationToken);
                if (error is not null)
                {
                    LastError = error;
                    Log.TunnelError(_logger, Target.ToString(), error);
                }

                await ExecBridge.CloseQuietlyAsync(ws);
            }
        }
        catch (Exception e) when (e is ApiStatusException or HttpRequestException or System.Net.WebSockets.WebSocketException or IOException or SocketException)
        {
            LastError = e.Message;
            Log.TunnelError(_logger, Target.ToString(), e.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "port-forward to {Target}: {Error}")]
        public static partial void TunnelError(ILogger logger, string target, string error);
    }
}
