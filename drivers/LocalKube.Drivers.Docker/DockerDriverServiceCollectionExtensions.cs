using LocalKube.Abstractions.Drivers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LocalKube.Drivers.Docker;

/// <summary>Registers the docker driver with a service collection.</summary>
public static class DockerDriverServiceCollectionExtensions
{
    /// <summary>
    /// Adds the docker driver: its <see cref="DriverDescriptor"/> (enumerable, one per driver), and the keyed
    /// (<c>"docker"</c>) singletons <see cref="IDriver"/> and <see cref="IDriverProbe"/>, plus <see cref="DockerNodeImage"/>.
    /// Its <see cref="DockerDriverOptions"/> go through the options system and <see cref="DockerDriverOptionsValidator"/>,
    /// like the process driver's: invalid settings fail with an <see cref="OptionsValidationException"/> when first resolved.
    /// </summary>
    public static IServiceCollection AddDockerDriver(this IServiceCollection services, Action<DockerDriverOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<DockerDriverOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DockerDriverOptions>, DockerDriverOptionsValidator>());
        services.AddSingleton(DockerDriverDescriptor.Instance);
        services.TryAddKeyedSingleton(DockerDriverDescriptor.Name, (sp, _) => new DockerDriver(sp.GetRequiredService<IOptions<DockerDriverOptions>>(), sp.GetService<TimeProvider>()));
        services.TryAddKeyedSingleton<IDriver>(DockerDriverDescriptor.Name,
            (sp, key) => sp.GetRequiredKeyedService<DockerDriver>(key));
        services.TryAddKeyedSingleton<IDriverProbe>(DockerDriverDescriptor.Name,
            (sp, _) => new DockerDriverProbe(sp.GetRequiredService<IOptions<DockerDriverOptions>>().Value));
        services.TryAddSingleton(sp => sp.GetRequiredKeyedService<DockerDriver>(DockerDriverDescriptor.Name).NodeImage);
        return services;
    }
}
