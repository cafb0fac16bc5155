using LocalKube.Abstractions.Node;
using LocalKube.Node.Client.Clients;
using LocalKube.Node.Client.Controllers;
using LocalKube.Node.Client.Informers;
using LocalKube.Node.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LocalKube.Node.Client;

/// <summary>Registers the node's API client layer in the agent.</summary>
public static class NodeClientServiceCollectionExtensions
{
    /// <summary>
    /// Adds the client layer: the API server endpoint (this agent's port on loopback, CA from <c>--cert-dir</c>),
    /// <see cref="IKubeClientFactory"/> (one client per component identity), the agent-wide
    /// <see cref="SharedInformerFactory"/> (listing and watching as the controller manager, which may list and watch
    /// everything) and <see cref="ControllerContextFactory"/>. Call after the API server and before the components
    /// that use it, so it stops between them. Idempotent.
    /// </summary>
    public static IServiceCollection AddNodeClient(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => ApiServerEndpoint.FromAgentOptions(sp.GetRequiredService<IOptions<NodeAgentOptions>>().Value));
        services.TryAddSingleton<IKubeClientFactory>(sp => new KubeClientFactory(sp.GetRequiredService<ApiServerEndpoint>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp =>
        {
            var clients = sp.GetRequiredService<IKubeClientFactory>();
            return new SharedInformerFactory(() => clients.ClientFor(ComponentIdentity.ControllerManager), sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<TimeProvider>());
        });
        services.TryAddSingleton<ControllerContextFactory>();
        if (!services.Any(d => d.ImplementationType == typeof(NodeClientLifetime)))
        {
            services.AddHostedService<NodeClientLifetime>();
        }

        return services;
    }
}
