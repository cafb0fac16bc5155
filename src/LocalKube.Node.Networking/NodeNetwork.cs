using LocalKube.Node.Hosting;

namespace LocalKube.Node.Networking;

/// <summary>
/// Where the proxy and cluster DNS may run, and the network facts they share. They program the node's own network
/// namespace (iptables, port 53), so they run only where the agent owns one: a node made from the node image (the
/// docker driver's container, the VM drivers' machine: <c>localkube-init</c> is its PID 1's script) with the Docker
/// runtime, as root. The process driver's agent shares the host's network, where both would be wrong; there they
/// are not registered, and <c>localkube service</c> says so.
/// </summary>
public static class NodeNetwork
{
    /// <summary>The node image's init script, present only inside a node.</summary>
    public const string NodeMarker = "/usr/local/bin/localkube-init";

    /// <summary>The cluster DNS address: the 10th of the service range 10.96.0.0/12, as kubeadm's.</summary>
    public const string ClusterDnsIp = "10.96.0.10";

    /// <summary>The cluster domain.</summary>
    public const string ClusterDomain = "cluster.local";

    /// <summary>The pod network when <c>kubelet.pod-cidr</c> is not set.</summary>
    public const string DefaultPodCidr = "10.244.0.0/16";

    /// <summary>Whether this agent owns a node network namespace the proxy and DNS may program.</summary>
    public static bool IsAvailable(NodeAgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.ContainerRuntime == "docker" && OperatingSystem.IsLinux() && File.Exists(NodeMarker)
            && Environment.UserName == "root";
    }

    /// <summary>The pod network (<c>kubelet.pod-cidr</c>).</summary>
    public static string PodCidr(NodeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.Get(NodeComponent.Kubelet, "pod-cidr") is { Length: > 0 } cidr ? cidr : DefaultPodCidr;
    }
}
