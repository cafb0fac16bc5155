using k8s.Models;
using LocalKube.Node.ApiServer.Rest;
using LocalKube.Node.Hosting;

namespace LocalKube.Node.ApiServer.Bootstrap;

/// <summary>
/// The EndpointSlice of the <c>kubernetes</c> Service, which upstream's API server keeps beside the Endpoints (kubectl
/// 1.32's <c>describe service</c> reads slices): this API server's address and port, labelled with the service name.
/// </summary>
public static class KubernetesEndpointSlice
{
    /// <summary>Creates the slice or repoints it at the current address and port.</summary>
    public static async Task EnsureAsync(ResourceStore store, NodeAgentOptions options, CancellationToken cancellationToken)
    {
        if (store.Resources.FindKind("discovery.k8s.io", "EndpointSlice") is not { } slices)
        {
            return;
        }

        var endpoints = new List<V1Endpoint>
        {
            new() { Addresses = [options.EffectiveAdvertiseAddress], Conditions = new V1EndpointConditions { Ready = true } },
        };
        var ports = new List<Discoveryv1EndpointPort> { new() { Name = "https", Port = options.SecurePort, Protocol = "TCP" } };
        var slice = new V1EndpointSlice
        {
            Metadata = new V1ObjectMeta
            {
                Name = "kubernetes",
                NamespaceProperty = "default",
                Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = "kubernetes" },
            },
            AddressType = "IPv4",
            Endpoints = endpoints,
            Ports = ports,
        };
        await Upsert.CreateOrUpdateAsync(store, slices, "default", slice, current =>
        {
            var existing = (V1EndpointSlice)current.Object;
            existing.Endpoints = endpoints;
            existing.Ports = ports;
            return existing;
        }, UpdateScope.Main, cancellationToken);
    }
}
