using System.Globalization;
using System.Net;
using LocalKube.Node.Hosting;

namespace LocalKube.Node.Client.Clients;

/// <summary>
/// Where the node's components reach the API server: this agent's own HTTPS port on a loopback address when it
/// listens on all addresses (or on loopback), else on the one address it listens on; and the certificate folder
/// with the CA that pins its serving certificate and the components' client certificates.
/// </summary>
/// <param name="Server">The API server's base URL.</param>
/// <param name="CertDir">The agent's <c>--cert-dir</c>.</param>
public sealed record ApiServerEndpoint(Uri Server, string CertDir)
{
    /// <summary>The CA certificate file in <see cref="CertDir"/>.</summary>
    public const string CaFile = "ca.crt";

    /// <summary>The endpoint of the agent described by <paramref name="options"/>.</summary>
    public static ApiServerEndpoint FromAgentOptions(NodeAgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ApiServerEndpoint(ServerFor(options.BindAddress, options.SecurePort), options.CertDir);
    }

    /// <summary>The URL a local client uses for an API server bound to <paramref name="bindAddress"/>:<paramref name="port"/>.</summary>
    public static Uri ServerFor(string bindAddress, int port)
    {
        // A wildcard bind serves loopback too, and loopback is always in the serving certificate's SANs; a specific
        // address is only reachable (and certified) as itself.
        var ip = IPAddress.TryParse(bindAddress, out var parsed) ? parsed : IPAddress.Loopback;
        var host = ip.Equals(IPAddress.Any) || IPAddress.IsLoopback(ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
            ? "127.0.0.1"
            : ip.Equals(IPAddress.IPv6Any) || ip.Equals(IPAddress.IPv6Loopback)
                ? "[::1]"
                : ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{ip}]" : ip.ToString();
        return new Uri(string.Create(CultureInfo.InvariantCulture, $"https://{host}:{port}"));
    }
}
