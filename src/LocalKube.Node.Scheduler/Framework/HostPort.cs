namespace LocalKube.Node.Scheduler.Framework;

/// <summary>A host port a container asks for: IP (<c>0.0.0.0</c> when unset), protocol (TCP when unset) and port.</summary>
/// <param name="Ip">The host IP.</param>
/// <param name="Protocol">TCP, UDP or SCTP.</param>
/// <param name="Port">The host port.</param>
public readonly record struct HostPort(string Ip, string Protocol, int Port)
{
    /// <summary>The wildcard address that conflicts with every address.</summary>
    public const string AnyIp = "0.0.0.0";

    /// <summary>Whether the two cannot both be bound: same protocol and port, and the same IP or a wildcard.</summary>
    public bool ConflictsWith(HostPort other) =>
        Port == other.Port && Protocol == other.Protocol && (Ip == other.Ip || Ip == AnyIp || other.Ip == AnyIp);
}
