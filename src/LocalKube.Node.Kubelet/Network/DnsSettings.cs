namespace LocalKube.Node.Kubelet.Network;

/// <summary>A resolv.conf's content: nameservers, search domains, options (<c>ndots:5</c>).</summary>
public sealed record DnsSettings(IReadOnlyList<string> Servers, IReadOnlyList<string> Searches, IReadOnlyList<string> Options);
