using System.Globalization;
using System.Net;
using LocalKube.Node.Hosting;

namespace LocalKube.Node.Kubelet.Server;

/// <summary>
/// <c>--extra-config kubelet.port|read-only-port|address</c>. In a node of its own (the docker driver) the kubelet
/// takes upstream's 10250 and 10255; an agent bound to loopback shares the host's ports with other profiles, so it
/// picks a free secure port and leaves the read-only port off unless told otherwise.
/// </summary>
public static class KubeletServerSettings
{
    /// <summary>The secure port (0: any free port).</summary>
    public const string Port = "port";

    /// <summary>The read-only port (0: off, as upstream).</summary>
    public const string ReadOnlyPort = "read-only-port";

    /// <summary>The secure port's address.</summary>
    public const string Address = "address";

    /// <summary>The listeners for this agent.</summary>
    /// <exception cref="ArgumentException">A setting is malformed (the message names it).</exception>
    public static KubeletServerOptions Server(NodeAgentOptions agent, NodeSettings settings, string rootDirectory)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(settings);
        var shared = IPAddress.TryParse(agent.BindAddress, out var bind) && IPAddress.IsLoopback(bind);
        var address = settings.Get(NodeComponent.Kubelet, Address) is { Length: > 0 } a ? a : agent.BindAddress;
        if (!IPAddress.TryParse(address, out _))
        {
            throw new ArgumentException($"kubelet.{Address}: \"{address}\" is not an IP address");
        }

        var port = Number(settings, Port, shared ? 0 : 10250);
        var readOnly = Number(settings, ReadOnlyPort, shared ? 0 : 10255);
        return new KubeletServerOptions
        {
            BindAddress = address,
            Port = port,
            ReadOnlyPort = readOnly == 0 ? -1 : readOnly,
            CertDir = agent.CertDir,
            RootDirectory = rootDirectory,
        };
    }

    private static int Number(NodeSettings settings, string key, int fallback)
    {
        if (settings.Get(NodeComponent.Kubelet, key) is not { Length: > 0 } text)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value <= 65535
            ? value
            : throw new ArgumentException($"kubelet.{key}: \"{text}\" is not a port number");
    }
}
