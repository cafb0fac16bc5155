using System.Text;
using k8s.Models;

namespace LocalKube.Node.Kubelet.Network;

/// <summary>
/// The <c>/etc/hosts</c> the kubelet writes for a pod (<c>k8s: kubelet_pods.go managedHostsFileContent,
/// nodeHostsFileContent</c>): tab-separated, the pod's own name (with its FQDN under a subdomain), then hostAliases.
/// </summary>
public static class HostsFile
{
    /// <summary>The first line of a pod's hosts file.</summary>
    public const string Header = "# Kubernetes-managed hosts file.\n";

    /// <summary>The first line for a host-network pod.</summary>
    public const string HostNetworkHeader = "# Kubernetes-managed hosts file (host network).\n";

    /// <summary>The file for a pod with its own network.</summary>
    public static string ForPod(IReadOnlyList<string> podIps, string hostname, string domain, IList<V1HostAlias>? aliases)
    {
        ArgumentNullException.ThrowIfNull(podIps);
        var s = new StringBuilder(Header)
            .Append("127.0.0.1\tlocalhost\n")
            .Append("::1\tlocalhost ip6-localhost ip6-loopback\n")
            .Append("fe00::0\tip6-localnet\n")
            .Append("fe00::0\tip6-mcastprefix\n")
            .Append("fe00::1\tip6-allnodes\n")
            .Append("fe00::2\tip6-allrouters\n");
        foreach (var ip in podIps)
        {
            s.Append(string.IsNullOrEmpty(domain) ? $"{ip}\t{hostname}\n" : $"{ip}\t{hostname}.{domain}\t{hostname}\n");
        }

        return s.Append(Aliases(aliases)).ToString();
    }

    /// <summary>The file for a host-network pod: the node's own file under its header.</summary>
    public static string ForHostNetwork(string nodeHostsContent, IList<V1HostAlias>? aliases) =>
        HostNetworkHeader + nodeHostsContent + Aliases(aliases);

    private static string Aliases(IList<V1HostAlias>? aliases)
    {
        if (aliases is not { Count: > 0 })
        {
            return "";
        }

        var s = new StringBuilder("\n# Entries added by HostAliases.\n");
        foreach (var alias in aliases)
        {
            s.Append(alias.Ip).Append('\t').Append(string.Join('\t', alias.Hostnames ?? [])).Append('\n');
        }

        return s.ToString();
    }
}
