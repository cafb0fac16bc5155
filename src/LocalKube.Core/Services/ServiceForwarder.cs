using System.Net;
using System.Net.Sockets;
using LocalKube.Abstractions.Drivers;

namespace LocalKube.Core.Services;

/// <summary>
/// Listens on a host 127.0.0.1 port and relays every accepted connection to a place inside the node through
/// <paramref name="connect"/> (the driver's in-node connection: no routing to node addresses). Disposing closes the
/// listener and every relayed connection.
/// </summary>
public sealed class ServiceForwarder(ServiceTarget target, Func<ServiceTarget, CancellationToken, Task<Stream>> connect) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private TcpListener? _listener;
    private Task _accepting = Task.CompletedTask;

    /// <summary>What it forwards to.</summary>
    public ServiceTarget Target => target;

    /// <summary>The host port (after <see cref="Start"/>).</summary>
    public int Port { get; private set; }

    /// <summary>Binds 127.0.0.1:<paramref name="port"/> (0: any free port) and starts accepting.</summary>
    /// <exception cref="SocketException">The port is taken or needs privileges.</exception>
    public void Start(int port = 0)
    {
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync(_listener, _stop.Token);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener?.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Closed.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        var relays = new List<Task>();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(cancellationToken);
                relays.RemoveAll(t => t.IsCompleted);
                relays.Add(RelayAsync(client, cancellationToken));
            }
        }
        finally
        {
            await Task.WhenAll(relays);
        }
    }

    private async Task RelayAsync(TcpClient client, CancellationToken cancellationToken)
    {
        using (client)
        {
            Stream? remote = null;
            try
            {
                remote = await connect(target, cancellationToken);
                var local = client.GetStream();
                using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var up = CopyAsync(local, remote, half: true, done.Token);
                var down = CopyAsync(remote, local, half: false, done.Token);
                await Task.WhenAny(down, Task.WhenAll(up, down));
                await done.CancelAsync();
                await Task.WhenAll(up, down);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or NotSupportedException)
            {
                // The client or the node went away: drop this connection only.
            }
            finally
            {
                if (remote is not null)
                {
                    await remote.DisposeAsync();
                }
            }
        }
    }

    private static async Task CopyAsync(Stream from, Stream to, bool half, CancellationToken cancellationToken)
    {
        try
        {
            await from.CopyToAsync(to, 16 * 1024, cancellationToken);
            if (half && to is IHalfClosable closable)
            {
                // The client finished sending: let the service see end of input and still answer.
                closable.CloseWrite();
            }
            else if (!half && to is NetworkStream network)
            {
                network.Socket.Shutdown(SocketShutdown.Send);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Either side closed.
        }
    }
}
