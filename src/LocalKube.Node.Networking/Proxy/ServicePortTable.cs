using k8s.Models;

namespace LocalKube.Node.Networking.Proxy;

/// <summary>
/// Joins Services and their EndpointSlices (label <c>kubernetes.io/service-name</c>) into the proxy's
/// <see cref="ServicePortEntry"/> list: one entry per service port, with the slices' IPv4 endpoints whose port name
/// and protocol match. ExternalName and headless services get none (DNS alone serves them).
/// </summary>
public static class ServicePortTable
{
    /// <summary>The label naming a slice's service.</summary>
    public const string ServiceNameLabel = "kubernetes.io/service-name";

    /// <summary>The entries for <paramref name="services"/> and <paramref name="slices"/>.</summary>
    public static IReadOnlyList<ServicePortEntry> Build(IEnumerable<V1Service> services, IEnumerable<V1EndpointSlice> slices)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(slices);
        var byService = slices
            .Where(s => s.AddressType == "IPv4" && s.Metadata?.Labels?.TryGetValue(ServiceNameLabel, out _) == true)
            .GroupBy(s => (s.Metadata.NamespaceProperty ?? "", s.Metadata.Labels[ServiceNameLabel]))
            .ToDictionary(g => g.Key, g => g.ToList());
        var entries = new List<ServicePortEntry>();
        foreach (var service in services)
        {
            var spec = service.Spec;
            if (spec is null || spec.Type == "ExternalName" || !ProxyRuleBuilder.IsClusterIp(spec.ClusterIP) || spec.Ports is null)
            {
                continue;
            }

            var ns = service.Metadata.NamespaceProperty ?? "default";
            byService.TryGetValue((ns, service.Metadata.Name), out var ownSlices);
            var external = (spec.ExternalIPs ?? []).Concat((service.Status?.LoadBalancer?.Ingress ?? []).Select(i => i.Ip).Where(ip => !string.IsNullOrEmpty(ip)))
                .Distinct(StringComparer.Ordinal).ToList();
            var affinity = spec.SessionAffinity == "ClientIP" ? spec.SessionAffinityConfig?.ClientIP?.TimeoutSeconds ?? 10800 : 0;
            foreach (var port in spec.Ports)
            {
                var protocol = port.Protocol ?? "TCP";
                entries.Add(new ServicePortEntry
                {
                    Namespace = ns,
                    Name = service.Metadata.Name,
                    PortName = port.Name ?? "",
                    Protocol = protocol,
                    ClusterIp = spec.ClusterIP,
                    Port = port.Port,
                    NodePort = port.NodePort ?? 0,
                    ExternalIps = external,
                    AffinitySeconds = affinity,
                    ExternalLocal = spec.ExternalTrafficPolicy == "Local",
                    Endpoints = EndpointsOf(ownSlices, port.Name ?? "", protocol),
                });
            }
        }

        return entries;
    }

    private static List<ProxyEndpoint> EndpointsOf(List<V1EndpointSlice>? slices, string portName, string protocol)
    {
        var result = new List<ProxyEndpoint>();
        foreach (var slice in slices ?? [])
        {
            var port = slice.Ports?.FirstOrDefault(p => (p.Name ?? "") == portName && (p.Protocol ?? "TCP") == protocol);
            if (port?.Port is not { } number)
            {
                continue;
            }

            foreach (var endpoint in slice.Endpoints ?? [])
            {
                var ready = endpoint.Conditions?.Ready ?? true;
                var serving = endpoint.Conditions?.Serving ?? ready;
                var terminating = endpoint.Conditions?.Terminating ?? false;
                foreach (var address in endpoint.Addresses ?? [])
                {
                    result.Add(new ProxyEndpoint(address, number, ready, serving, terminating));
                }
            }
        }

        return result;
    }
}
