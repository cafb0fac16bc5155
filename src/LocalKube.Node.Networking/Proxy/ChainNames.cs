using System.Security.Cryptography;
using System.Text;

namespace LocalKube.Node.Networking.Proxy;

/// <summary>
/// Upstream's chain names (<c>k8s: pkg/proxy/iptables/proxier.go</c>): a prefix and the first 16 characters of the
/// base32 SHA-256 of the service port name and protocol (and, for endpoints, the endpoint), so the names stay under
/// iptables' 28 characters and do not change between syncs.
/// </summary>
public static class ChainNames
{
    /// <summary>The service chain, <c>KUBE-SVC-…</c>.</summary>
    public static string Service(ServicePortEntry port) => "KUBE-SVC-" + Hash(port.DisplayName + port.Proto);

    /// <summary>The external (NodePort, external IP) chain, <c>KUBE-EXT-…</c>.</summary>
    public static string External(ServicePortEntry port) => "KUBE-EXT-" + Hash(port.DisplayName + port.Proto);

    /// <summary>The endpoint chain, <c>KUBE-SEP-…</c>.</summary>
    public static string Endpoint(ServicePortEntry port, ProxyEndpoint endpoint) => "KUBE-SEP-" + Hash(port.DisplayName + port.Proto + endpoint.Address);

    private static string Hash(string text)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        return Base32(digest)[..16];
    }

    private static string Base32(byte[] data)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var output = new StringBuilder();
        int buffer = 0, bits = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                output.Append(alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }

        if (bits > 0)
        {
            output.Append(alphabet[(buffer << (5 - bits)) & 31]);
        }

        return output.ToString();
    }
}
