using LocalKube.Node.Client;
using LocalKube.Node.Hosting;
using LocalKube.Node.Networking.Dns;
using LocalKube.Node.Networking.Proxy;
using Microsoft.Extensions.DependencyInjection;

namespace LocalKube.Node.Networking;

/// <summary>Registers the service proxy and cluster DNS.</summary>
public static class NetworkingServiceCollectionExtensions
{
    /// <summary>
    /// Adds the proxy (<c>proxy</c>) and cluster DNS (<c>dns</c>), each switched off by <c>agent.disable</c>, where
    /// the agent owns a node network namespace (<see cref="NodeNetwork.IsAvailable"/>); elsewhere neither is added.
    /// </summary>
    public static IServiceCollection AddLocalKubeNetworking(this IServiceCollection services, NodeAgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        if (!NodeNetwork.IsAvailable(options))
        {
            return services;
        }

        services.AddNodeClient();
        services.AddNodeComponent<ServiceProxyService>(NodeComponent.Proxy);
        services.AddNodeComponent<ClusterDnsService>(NodeComponent.Dns);
        return services;
    }
}
