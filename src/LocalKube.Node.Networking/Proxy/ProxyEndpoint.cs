namespace LocalKube.Node.Networking.Proxy;

/// <summary>One backend of a service port, from an EndpointSlice: address, target port and its conditions.</summary>
/// <param name="Ip">The endpoint's address (a pod IP, or any address of a selector-less service).</param>
/// <param name="Port">The resolved target port.</param>
/// <param name="Ready">Ready (absent means ready, as upstream).</param>
/// <param name="Serving">Serving (absent means the value of Ready).</param>
/// <param name="Terminating">Terminating (absent means false).</param>
public sealed record ProxyEndpoint(string Ip, int Port, bool Ready, bool Serving, bool Terminating)
{
    /// <summary><c>ip:port</c>.</summary>
    public string Address => $"{Ip}:{Port}";
}
