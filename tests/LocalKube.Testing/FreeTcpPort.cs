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
}
