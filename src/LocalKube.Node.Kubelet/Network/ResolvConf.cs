using k8s.Models;

namespace LocalKube.Node.Kubelet.Network;

/// <summary>
/// A pod's <c>/etc/resolv.conf</c> (<c>k8s: pkg/kubelet/network/dns/dns.go</c>): ClusterFirst gives the cluster DNS
/// server, the three cluster search domains before the node's, and <c>ndots:5</c>; Default copies the node's;
/// None starts empty; dnsConfig appends without duplicates and merges options; limits of 3 servers, 32 search
/// domains and 2048 characters.
/// </summary>
public static class ResolvConf
{
    /// <summary>Nameservers kept.</summary>
    public const int MaxNameservers = 3;

    /// <summary>Search domains kept.</summary>
    public const int MaxSearchDomains = 32;

    /// <summary>Characters of the search line kept.</summary>
    public const int MaxSearchChars = 2048;

    /// <summary>Parses the node's resolv.conf into (servers, searches, options).</summary>
    public static DnsSettings Parse(string content)
    {
        var servers = new List<string>();
        var searches = new List<string>();
        var options = new List<string>();
        foreach (var raw in (content ?? "").Split('\n'))
        {
            var line = raw.Split('#', ';')[0].Trim();
            var fields = line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0)
            {
                continue;
            }

            switch (fields[0])
            {
                case "nameserver" when fields.Length > 1:
                    servers.Add(fields[1]);
                    break;
                case "search":
                    // The last search line wins, as in glibc.
                    searches = fields.Skip(1).Select(s => s.TrimEnd('.')).Where(s => s.Length > 0).ToList();
                    break;
                case "options":
                    options.AddRange(fields.Skip(1));
                    break;
            }
        }

        return new DnsSettings(servers, searches, options);
    }

    /// <summary>The settings for <paramref name="pod"/>.</summary>
    /// <param name="pod">The pod (dnsPolicy, dnsConfig, hostNetwork, namespace).</param>
    /// <param name="node">The node's own settings.</param>
    /// <param name="clusterDns">The cluster DNS server (10.96.0.10).</param>
    /// <param name="clusterDomain">The cluster domain (<c>cluster.local</c>).</param>
    public static DnsSettings For(V1Pod pod, DnsSettings node, string clusterDns, string clusterDomain)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(node);
        var spec = pod.Spec ?? new V1PodSpec();
        var policy = string.IsNullOrEmpty(spec.DnsPolicy) ? "ClusterFirst" : spec.DnsPolicy;
        var cluster = policy == "ClusterFirstWithHostNet" || (policy == "ClusterFirst" && spec.HostNetwork != true);
        DnsSettings settings;
        if (policy == "None")
        {
            settings = new DnsSettings([], [], []);
        }
        else if (cluster && !string.IsNullOrEmpty(clusterDns))
        {
            var ns = pod.Metadata?.NamespaceProperty ?? "default";
            var searches = new List<string> { $"{ns}.svc.{clusterDomain}", $"svc.{clusterDomain}", clusterDomain };
            searches.AddRange(node.Searches);
            settings = new DnsSettings([clusterDns], Distinct(searches), ["ndots:5"]);
        }
        else
        {
            settings = node;
        }

        if (spec.DnsConfig is { } extra)
        {
            settings = new DnsSettings(
                Distinct(settings.Servers.Concat(extra.Nameservers ?? [])),
                Distinct(settings.Searches.Concat(extra.Searches ?? [])),
                MergeOptions(settings.Options, extra.Options));
        }

        return FitLimits(settings);
    }

    /// <summary>The file: nameserver lines, one search line, one options line, each ending in a newline.</summary>
    public static string Render(DnsSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var lines = settings.Servers.Select(s => "nameserver " + s).ToList();
        if (settings.Searches.Count > 0)
        {
            lines.Add("search " + string.Join(' ', settings.Searches));
        }

        if (settings.Options.Count > 0)
        {
            lines.Add("options " + string.Join(' ', settings.Options));
        }

        return lines.Count == 0 ? "" : string.Join('\n', lines) + "\n";
    }

    private static List<string> MergeOptions(IReadOnlyList<string> existing, IList<V1PodDNSConfigOption>? extra)
    {
        var order = new List<string>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        void Set(string name, string value)
        {
            if (!values.ContainsKey(name))
            {
                order.Add(name);
            }

            values[name] = value;
        }

        foreach (var option in existing)
        {
            var colon = option.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0)
            {
                Set(option[..colon], option[(colon + 1)..]);
            }
            else
            {
                Set(option, "");
            }
        }

        foreach (var option in extra ?? [])
        {
            Set(option.Name, option.Value ?? "");
        }

        return order.Select(n => values[n].Length == 0 ? n : $"{n}:{values[n]}").ToList();
    }

    private static DnsSettings FitLimits(DnsSettings settings)
    {
        var servers = settings.Servers.Take(MaxNameservers).ToList();
        var searches = new List<string>();
        var length = 0;
        foreach (var search in settings.Searches.Take(MaxSearchDomains))
        {
            var added = search.Length + (searches.Count > 0 ? 1 : 0);
            if (length + added > MaxSearchChars)
            {
                break;
            }

            searches.Add(search);
            length += added;
        }

        return new DnsSettings(servers, searches, settings.Options);
    }

    private static List<string> Distinct(IEnumerable<string> items) => items.Where(i => i.Length > 0).Distinct(StringComparer.Ordinal).ToList();
}
