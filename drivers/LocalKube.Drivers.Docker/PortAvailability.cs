using System.Net;
using System.Net.Sockets;
using LocalKube.Abstractions.Drivers;
using LocalKube.Abstractions.Errors;

namespace LocalKube.Drivers.Docker;

/// <summary>Checks host ports before anything is created, so a busy port fails fast and leaves nothing behind.</summary>
internal static class PortAvailability
{
    /// <summary>Throws <see cref="Reasons.PortInUse"/> naming the first port that cannot be bound.</summary>
    public static void EnsureFree(IEnumerable<PortMapping> ports)
    {
        foreach (var port in ports)
        {
            if (!IsFree(port))
            {
                throw InUse(port.HostIp, port.HostPort);
            }
        }
    }

    /// <summary>The error for a busy host port.</summary>
    public static LocalKubeException InUse(string hostIp, int hostPort) =>
        new(Reasons.PortInUse, $"Host port {hostPort} ({hostIp}:{hostPort}) is already in use.");

    private static bool IsFree(PortMapping port)
    {
        var address = IPAddress.TryParse(port.HostIp, out var ip) ? ip : IPAddress.Loopback;
        try
        {
            if (string.Equals(port.Protocol, "udp", StringComparison.OrdinalIgnoreCase))
            {
                using var udp = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                udp.Bind(new IPEndPoint(address, port.HostPort));
            }
            else
            {
                using var tcp = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                // Without SO_REUSEADDR a port in TIME_WAIT counts as taken, as it would for docker-proxy.
                tcp.Bind(new IPEndPoint(address, port.HostPort));
                tcp.Listen(1);
            }

            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            return false;
        }
        catch (SocketException)
        {
            // E.g. an address this host does not have: let Docker report it with its own words.
            return true;
        }
    }
}
