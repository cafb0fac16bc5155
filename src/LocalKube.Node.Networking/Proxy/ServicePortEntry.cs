namespace LocalKube.Node.Networking.Proxy;

/// <summary>
/// One port of one service, as the proxy programs it (upstream's <c>servicePortInfo</c>): where it listens
/// (ClusterIP, NodePort, external and load-balancer addresses), its policies, and its endpoints.
/// </summary>
public sealed record ServicePortEntry
{
    /// <summary>The service's namespace.</summary>
    public required string Namespace { get; init; }

    /// <summary>The service's name.</summary>
    public required string Name { get; init; }

    /// <summary>The port's name (may be empty).</summary>
    public string PortName { get; init; } = "";

    /// <summary>TCP, UDP or SCTP.</summary>
    public string Protocol { get; init; } = "TCP";

    /// <summary>The ClusterIP (empty or <c>None</c> for headless services, which get no rules).</summary>
    public string ClusterIp { get; init; } = "";

    /// <summary>The service port.</summary>
    public int Port { get; init; }

    /// <summary>The NodePort (0 for none).</summary>
    public int NodePort { get; init; }

    /// <summary><c>spec.externalIPs</c> and <c>status.loadBalancer.ingress[].ip</c>.</summary>
    public IReadOnlyList<string> ExternalIps { get; init; } = [];

    /// <summary>sessionAffinity ClientIP: the timeout in seconds, or 0 for no affinity.</summary>
    public int AffinitySeconds { get; init; }

    /// <summary>externalTrafficPolicy Local (external sources keep their address: no masquerade).</summary>
    public bool ExternalLocal { get; init; }

    /// <summary>The port's backends (all of them; <see cref="ProxyRuleBuilder"/> picks the usable ones).</summary>
    public IReadOnlyList<ProxyEndpoint> Endpoints { get; init; } = [];

    /// <summary><c>ns/name:port</c>, upstream's service port name (the port name, or empty).</summary>
    public string DisplayName => PortName.Length == 0 ? $"{Namespace}/{Name}" : $"{Namespace}/{Name}:{PortName}";

    /// <summary>The lower-case protocol for iptables' <c>-p</c>.</summary>
    public string Proto => Protocol.ToLowerInvariant();
}
