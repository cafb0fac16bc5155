using System.Net.Sockets;

namespace LocalKube.Node.Kubelet.Probes;

/// <summary>The tcpSocket probe (<c>k8s: pkg/probe/tcp</c>): a connection within the timeout passes.</summary>
public static class TcpProbe
{
    /// <summary>Connects to <paramref name="host"/>:<paramref name="port"/>.</summary>
    public static async Task<ProbeOutcome> ProbeAsync(string host, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var client = new TcpClient();
        var target = $"{host}:{port}";
        try
        {
            await client.ConnectAsync(host, port, deadline.Token).ConfigureAwait(false);
            return ProbeOutcome.Success();
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ProbeOutcome.Failure($"dial tcp {target}: i/o timeout");
        }
        catch (SocketException e)
        {
            return ProbeOutcome.Failure(e.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => $"dial tcp {target}: connect: connection refused",
                SocketError.HostUnreachable => $"dial tcp {target}: connect: no route to host",
                SocketError.NetworkUnreachable => $"dial tcp {target}: connect: network is unreachable",
                SocketError.HostNotFound or SocketError.NoData => $"dial tcp: lookup {host}: no such host",
                _ => $"dial tcp {target}: {e.Message}",
            });
        }
    }
}
