using System.Net;
using System.Net.Sockets;

namespace LocalKube.Node.Storage.Tests.Conformance;

/// <summary>Free TCP ports on 127.0.0.1 (the OS picks; a tiny race with other processes is accepted).</summary>
public static class Ports
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
