using LocalKube.Node.Client;
using LocalKube.Node.Hosting;
using LocalKube.Node.Kubelet.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LocalKube.Node.Kubelet;

/// <summary>Registers the container runtime and kubelet components.</summary>
public static class KubeletServiceCollectionExtensions
{
    /// <summary>
    /// Adds the container runtime (<c>container-runtime</c>: Docker or simulated by <c>--container-runtime</c>) and the
    /// kubelet (<c>kubelet</c>), each switched off by <c>agent.disable</c>, with the client layer and the
    /// <c>kubelet.*</c> settings.
    /// </summary>
    public static IServiceCollection AddLocalKubeKubelet(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddNodeClient();
        foreach (var (key, value) in KubeletSettings.Defaults)
        {
            services.AddNodeSettingDefault(NodeComponent.Kubelet, key, value);
        }

        // Empty: the kubelet's API picks its ports by where the agent runs (KubeletServerSettings).
        foreach (var key in new[] { Server.KubeletServerSettings.Port, Server.KubeletServerSettings.ReadOnlyPort, Server.KubeletServerSettings.Address })
        {
            services.AddNodeSettingDefault(NodeComponent.Kubelet, key, "");
        }

        // A bad kubelet.* value stops the agent at start, its key named, instead of failing the kubelet later.
        services.AddNodeSettingsCheck(NodeComponent.Kubelet, KubeletSettings.Validate);
        services.TryAddSingleton(sp => ContainerRuntimeFactory.Create(
            sp.GetRequiredService<IOptions<NodeAgentOptions>>().Value,
            sp.GetRequiredService<NodeSettings>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>()));
        services.AddNodeComponent<ContainerRuntimeService>(NodeComponent.ContainerRuntime);
        services.AddNodeComponent<KubeletService>(NodeComponent.Kubelet);
        return services;
    }
}
