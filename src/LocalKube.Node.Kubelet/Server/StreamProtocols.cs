using Microsoft.AspNetCore.Http;

namespace LocalKube.Node.Kubelet.Server;

/// <summary>The subprotocols the kubelet speaks and how a client's offer is matched (upstream's httpstream.Handshake).</summary>
internal static class StreamProtocols
{
    /// <summary>The header a SPDY client lists its protocol versions in.</summary>
    public const string VersionHeader = "X-Stream-Protocol-Version";

    /// <summary>Exec and attach over SPDY, newest first.</summary>
    public static readonly string[] RemoteCommandSpdy = ["v4.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io", "channel.k8s.io"];

    /// <summary>Exec and attach over WebSocket channels.</summary>
    public static readonly string[] RemoteCommandWebSocket =
        ["v5.channel.k8s.io", "v4.channel.k8s.io", "v4.base64.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io", "channel.k8s.io", "base64.channel.k8s.io"];

    /// <summary>Port-forward over SPDY.</summary>
    public const string PortForward = "portforward.k8s.io";

    /// <summary>Port-forward as SPDY tunnelled in a WebSocket (kubectl 1.30 and later try it first).</summary>
    public const string PortForwardTunnel = "SPDY/3.1+portforward.k8s.io";

    /// <summary>Port-forward over WebSocket channels (the C# client).</summary>
    public static readonly string[] PortForwardWebSocket = ["v4.channel.k8s.io", "v4.base64.channel.k8s.io", "channel.k8s.io", "base64.channel.k8s.io"];

    /// <summary>Whether the request asks to upgrade to SPDY.</summary>
    public static bool IsSpdyUpgrade(HttpRequest request) =>
        request.Headers.Upgrade.ToString().StartsWith("SPDY/", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The first protocol the client lists that the server supports; "" when the client lists none (the legacy v1
    /// protocol), null when nothing matches. Proxies may fold repeated headers into one comma-separated value.
    /// </summary>
    public static string? Negotiate(IEnumerable<string?> offered, IReadOnlyCollection<string> supported)
    {
        var client = offered.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        if (client.Count == 0)
        {
            return "";
        }

        return client.FirstOrDefault(supported.Contains);
    }

    /// <summary>The "unable to negotiate" text upstream returns with 403.</summary>
    public static string NegotiationFailure(IEnumerable<string?> offered, IEnumerable<string> supported) =>
        $"unable to upgrade: unable to negotiate protocol: client supports [{string.Join(", ", offered)}], server accepts [{string.Join(" ", supported)}]";
}
