namespace LocalKube.Abstractions.Drivers;

/// <summary>A node port published on the host (<c>--ports HOST:NODE</c>).</summary>
public sealed record PortMapping(int HostPort, int NodePort, string Protocol = "tcp", string HostIp = "127.0.0.1")
{
    /// <summary>Renders as <c>HOST:NODE[/proto]</c>.</summary>
    public override string ToString() => Protocol == "tcp" ? $"{HostPort}:{NodePort}" : $"{HostPort}:{NodePort}/{Protocol}";
}
