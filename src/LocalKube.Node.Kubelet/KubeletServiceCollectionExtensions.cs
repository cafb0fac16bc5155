using LocalKube.Node.Client;
using LocalKube.Node.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace LocalKube.Node.Kubelet;

/// <summary>Registers the kubelet component.</summary>
public static class KubeletServiceCollectionExtensions
{
    /// <summary>Adds the kubelet (<c>kubelet</c>, switched off by <c>agent.disable=kubelet</c>) and the client layer.</summary>
    public static IServiceCollection AddLocalKubeKubelet(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddNodeClient();
        services.AddNodeComponent<KubeletService>(NodeComponent.Kubelet);
        return services;
    }
}
