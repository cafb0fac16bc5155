using System.Text.RegularExpressions;
using k8s.Models;

namespace LocalKube.Node.Kubelet.Network;

/// <summary>A pod's hostname and domain (<c>k8s: kubelet_pods.go GeneratePodHostNameAndDomain</c>).</summary>
public static partial class PodHostname
{
    /// <summary>The maximum hostname length.</summary>
    public const int MaxLength = 63;

    /// <summary>
    /// (hostname, domain): spec.hostname or the pod name truncated to 63 characters; the domain
    /// <c>&lt;subdomain&gt;.&lt;ns&gt;.svc.&lt;cluster domain&gt;</c> when a subdomain is set.
    /// </summary>
    /// <exception cref="ArgumentException">An invalid hostname or subdomain, or an FQDN hostname over 64 characters.</exception>
    public static (string Hostname, string Domain) For(V1Pod pod, string clusterDomain)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var name = pod.Metadata?.Name ?? "";
        var hostname = name;
        if (!string.IsNullOrEmpty(pod.Spec?.Hostname))
        {
            if (!Dns1123Label().IsMatch(pod.Spec.Hostname))
            {
                throw new ArgumentException($"pod Hostname \"{pod.Spec.Hostname}\" is not a valid DNS label");
            }

            hostname = pod.Spec.Hostname;
        }

        if (hostname.Length > MaxLength)
        {
            hostname = hostname[..MaxLength].TrimEnd('-', '.');
        }

        var domain = "";
        if (!string.IsNullOrEmpty(pod.Spec?.Subdomain))
        {
            if (!Dns1123Label().IsMatch(pod.Spec.Subdomain))
            {
                throw new ArgumentException($"pod Subdomain \"{pod.Spec.Subdomain}\" is not a valid DNS label");
            }

            domain = $"{pod.Spec.Subdomain}.{pod.Metadata?.NamespaceProperty ?? "default"}.svc.{clusterDomain}";
        }

        return (hostname, domain);
    }

    /// <summary>The kernel hostname: the FQDN with <c>setHostnameAsFQDN</c>, else the short name.</summary>
    public static string KernelHostname(V1Pod pod, string hostname, string domain)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (pod.Spec?.SetHostnameAsFQDN != true || string.IsNullOrEmpty(domain))
        {
            return hostname;
        }

        var fqdn = $"{hostname}.{domain}";
        return fqdn.Length > 64
            ? throw new ArgumentException($"failed to construct FQDN from pod hostname and cluster domain, FQDN {fqdn} is too long (64 characters is the max, {fqdn.Length} characters requested)")
            : fqdn;
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex Dns1123Label();
}
