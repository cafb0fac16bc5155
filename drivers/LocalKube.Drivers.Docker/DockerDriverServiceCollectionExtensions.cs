using LocalKube.Abstractions.Drivers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LocalKube.Drivers.Docker;

/// <summary>Registers the docker driver with a service collection.</summary>
public static class DockerDriverServiceCollectionExtensions
{
    /// <summary>
    /// Adds the docker driver: its <see cref="DriverDescriptor"/> (enumerable, one per driver), and the keyed
    /// (<c>"docker"</c>) singletons <see cref="IDriver"/> and <see cref="IDriverProbe"/>, plus <see cref="DockerNodeImage"/>.
    /// </summary>
    public static IServiceCollection AddDockerDriver(this IServiceCollection services, Action<DockerDriverOptions>? configure = null)
    {
        var options = new DockerDriverOptions();
        configure?.Invoke(options);

        services.AddSingleton(DockerDriverDescriptor.Instance);
        services.TryAddKeyedSingleton(DockerDriverDescriptor.Name, (_, _) => new DockerDriver(options));
        services.TryAddKeyedSingleton<IDriver>(DockerDriverDescriptor.Name,
            (sp, key) => sp.GetRequiredKeyedService<DockerDriver>(key));
        services.TryAddKeyedSingleton<IDriverProbe>(DockerDriverDescriptor.Name, (_, _) => new DockerDriverProbe(options));
        services.TryAddSingleton(sp => sp.GetRequiredKeyedService<DockerDriver>(DockerDriverDescriptor.Name).NodeImage);
        return services;
    }
}
