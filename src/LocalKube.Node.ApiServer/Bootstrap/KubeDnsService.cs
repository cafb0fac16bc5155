using k8s.Models;
using LocalKube.Node.ApiServer.Rest;

namespace LocalKube.Node.ApiServer.Bootstrap;

/// <summary>
/// The <c>kube-system/kube-dns</c> Service that kubeadm's CoreDNS addon creates (10.96.0.10, ports 53/UDP, 53/TCP and
/// 9153/TCP, label <c>k8s-app: kube-dns</c>), ensured when the agent serves cluster DNS. DNS runs in the agent on
/// the node's port 53, so the Service has no selector and its Endpoints and EndpointSlice name the pod network's
/// gateway (the node's address on the pod bridge, the first of <c>kubelet.pod-cidr</c>): DNS answers over UDP from
/// a wildcard socket, whose replies to pods leave from the bridge address, and conntrack can only reverse the DNAT
/// when that is the address the query was sent to.
/// </summary>
public static class KubeDnsService
{
    /// <summary>The Service's address: the 10th of the service range, as kubeadm's.</summary>
    public const string ClusterIp = "10.96.0.10";

    /// <summary>Creates the Service, Endpoints and EndpointSlice, or repoints the latter two.</summary>
    public static async Task EnsureAsync(ResourceStore store, string podCidr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        const string ns = "kube-system";
        const string name = "kube-dns";
        var labels = new Dictionary<string, string>
        {
            ["k8s-app"] = "kube-dns",
            ["kubernetes.io/cluster-service"] = "true",
            ["kubernetes.io/name"] = "CoreDNS",
        };
        (string Name, string Protocol, int Port)[] ports = [("dns", "UDP", 53), ("dns-tcp", "TCP", 53), ("metrics", "TCP", 9153)];
        var address = Gateway(podCidr);
        if (store.Resources.FindKind("", "Service") is { } services && await store.TryGetAsync(services, ns, name, cancellationToken) is null)
        {
            await Upsert.CreateOrUpdateAsync(store, services, ns, new V1Service
            {
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = labels },
                Spec = new V1ServiceSpec
                {
                    Type = "ClusterIP",
                    ClusterIP = ClusterIp,
                    SessionAffinity = "None",
                    Ports = ports.Select(p => new V1ServicePort { Name = p.Name, Protocol = p.Protocol, Port = p.Port, TargetPort = p.Port }).ToList(),
                },
            }, current => current.Object, UpdateScope.Main, cancellationToken);
        }

        if (store.Resources.FindKind("", "Endpoints") is { } endpoints)
        {
            var subsets = new List<V1EndpointSubset>
            {
                new()
                {
                    Addresses = [new V1EndpointAddress { Ip = address }],
                    Ports = ports.Select(p => new Corev1EndpointPort { Name = p.Name, Protocol = p.Protocol, Port = p.Port }).ToList(),
                },
            };
            await Upsert.CreateOrUpdateAsync(store, endpoints, ns, new V1Endpoints
            {
                Metadata = new V1ObjectMeta
                {
                    Name = name,
                    NamespaceProperty = ns,
                    Labels = new Dictionary<string, string>(labels) { ["endpointslice.kubernetes.io/skip-mirror"] = "true" },
                },
                Subsets = subsets,
            }, current =>
            {
                var existing = (V1Endpoints)current.Object;
                existing.Subsets = subsets;
                return existing;
            }, UpdateScope.Main, cancellationToken);
        }

        if (store.Resources.FindKind("discovery.k8s.io", "EndpointSlice") is { } slices)
        {
            var sliceEndpoints = new List<V1Endpoint>
            {
                new() { Addresses = [address], Conditions = new V1EndpointConditions { Ready = true, Serving = true, Terminating = false } },
            };
            var slicePorts = ports.Select(p => new Discoveryv1EndpointPort { Name = p.Name, Protocol = p.Protocol, Port = p.Port }).ToList();
            await Upsert.CreateOrUpdateAsync(store, slices, ns, new V1EndpointSlice
            {
                Metadata = new V1ObjectMeta
                {
                    Name = name,
                    NamespaceProperty = ns,
                    Labels = new Dictionary<string, string>(labels) { ["kubernetes.io/service-name"] = name },
                },
                AddressType = "IPv4",
                Endpoints = sliceEndpoints,
                Ports = slicePorts,
            }, current =>
            {
                var existing = (V1EndpointSlice)current.Object;
                existing.Endpoints = sliceEndpoints;
                existing.Ports = slicePorts;
                return existing;
            }, UpdateScope.Main, cancellationToken);
        }
    }

    /// <summary>The first address of <paramref name="cidr"/> (10.244.0.1 for 10.244.0.0/16).</summary>
    public static string Gateway(string cidr)
    {
        ArgumentException.ThrowIfNullOrEmpty(cidr);
        var parts = cidr.Split('/');
        var bytes = System.Net.IPAddress.Parse(parts[0]).GetAddressBytes();
        var prefix = parts.Length > 1 ? int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : 32;
        var value = (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
        var mask = prefix == 0 ? 0u : uint.MaxValue << (32 - prefix);
        var gateway = (value & mask) + 1;
        return $"{gateway >> 24}.{(gateway >> 16) & 255}.{(gateway >> 8) & 255}.{gateway & 255}";
    }
}
