using System.Net;
using System.Net.Sockets;

namespace LocalKube.Testing;

/// <summary>Finds free TCP ports on 127.0.0.1 for tests.</summary>
public static class FreeTcpPort
{
    /// <summary>
    /// Returns a port that was free a moment ago. The OS picks it from the ephemeral range, so two parallel tests
    /// rarely collide; a test that binds it must still cope with a lost race.
    /// </summary>
    public static int Get()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>
    /// Returns a port free on 127.0.0.1 for both UDP and TCP a moment ago (a DNS server binds both): the OS picks a
    /// UDP port, and a TCP listener proves the same number free for TCP.
    /// </summary>
    public static int GetForUdpAndTcp()
    {
        // The UDP port the OS hands out may be taken for TCP (another test's listener or connection): try another.
        for (var attempt = 1; ; attempt++)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)socket.LocalEndPoint!).Port;
            using var listener = new TcpListener(IPAddress.Loopback, port);
            try
            {
                listener.Start();
                return port;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse && attempt < 20)
            {
                // Next port.
            }
        }
    }
}
