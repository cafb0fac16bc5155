using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace LocalKube.Node.Hosting;

/// <summary>Composition of the node agent's shared services.</summary>
public static class NodeServiceCollectionExtensions
{
    /// <summary>How long a graceful stop may take before the host gives up on the remaining components.</summary>
    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Adds the agent's shared services: options (validated on start), readiness gates, the exit status, merged
    /// settings, the settings log and the pid file. Components are added afterwards with
    /// <see cref="AddNodeComponent{TService}"/>, in dependency order (they stop in reverse order).
    /// </summary>
    public static IServiceCollection AddLocalKubeNode(this IServiceCollection services, NodeAgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.AddOptions<NodeAgentOptions>().Configure(o => o.CopyFrom(options)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NodeAgentOptions>, NodeAgentOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NodeAgentOptions>, NodeSettingsValidator>());
        services.Configure<HostOptions>(o =>
        {
            o.ShutdownTimeout = DefaultShutdownTimeout;
            o.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.StopHost;
        });
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<NodeExitStatus>();
        services.TryAddSingleton<IComponentReadiness, ComponentReadiness>();
        services.TryAddSingleton<NodeSettings>();
        services.TryAddSingleton<NodeComponentContext>();

        // Decided when the host is composed: a disabled component is never registered. Bad values were rejected by
        // validation before; here they simply disable nothing.
        services.AddSingleton(DisabledComponents.TryParse(options, out var disabled, out _) ? disabled : DisabledComponents.None);
        services.AddNodeSettingDefault(NodeComponent.Agent, DisabledComponents.Key, string.Empty);

        // Pid first: written before any component starts, removed after every component stopped.
        services.AddHostedService<PidFileService>();
        services.AddHostedService<NodeSettingsLogService>();
        return services;
    }

    /// <summary>
    /// Adds a component's readiness gate and its hosted service, unless <c>agent.disable</c> switched it off (then
    /// nothing is added).
    /// </summary>
    public static IServiceCollection AddNodeComponent<TService>(this IServiceCollection services, NodeComponent component)
        where TService : NodeComponentService
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.IsComponentDisabled(component))
        {
            return services;
        }

        services.AddSingleton(new NodeComponentRegistration(component));
        services.AddHostedService<TService>();
        return services;
    }

    /// <summary>Whether <c>agent.disable</c> switched <paramref name="component"/> off in this composition.</summary>
    public static bool IsComponentDisabled(this IServiceCollection services, NodeComponent component)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.LastOrDefault(d => d.ServiceType == typeof(DisabledComponents))?.ImplementationInstance is DisabledComponents disabled
            && disabled.IsDisabled(component);
    }

    /// <summary>Declares a text setting's default, overridable by <c>--extra-config component.key=value</c>.</summary>
    public static IServiceCollection AddNodeSettingDefault(this IServiceCollection services, NodeComponent component, string key, string value) =>
        services.AddNodeSetting(new NodeSettingDefault(component, key, value));

    /// <summary>Declares a typed setting: its default and what its values must look like (checked at start).</summary>
    public static IServiceCollection AddNodeSetting(this IServiceCollection services, NodeSettingDefault setting)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(setting);
        services.AddSingleton(setting);
        return services;
    }

    /// <summary>
    /// Adds <paramref name="component"/>'s check of its settings, run at start before any component (not when
    /// <c>agent.disable</c> switched the component off).
    /// </summary>
    public static IServiceCollection AddNodeSettingsCheck(this IServiceCollection services, NodeComponent component, Func<NodeAgentOptions, NodeSettings, IEnumerable<string>> check)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(check);
        if (!services.IsComponentDisabled(component))
        {
            services.AddSingleton(new NodeSettingsCheck(component, check));
        }

        return services;
    }
}
