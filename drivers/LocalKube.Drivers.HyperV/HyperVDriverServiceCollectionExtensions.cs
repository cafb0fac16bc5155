using LocalKube.Abstractions.Drivers;
using Microsoft.Extensions.DependencyInjection;

namespace LocalKube.Drivers.HyperV;

/// <summary>Registers the hyperv driver.</summary>
public static class HyperVDriverServiceCollectionExtensions
{
    /// <summary>
    /// Adds the hyperv driver: its <see cref="DriverDescriptor"/>, and the keyed <see cref="IDriver"/> and
    /// <see cref="IDriverProbe"/> under the name <c>hyperv</c>.
    /// </summary>
    public static IServiceCollection AddHyperVDriver(this IServiceCollection services, Action<HyperVDriverOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new HyperVDriverOptions();
        configure?.Invoke(options);

        services.AddSingleton(HyperVDriverDescriptor.Instance);
        services.AddKeyedSingleton<IDriver>(HyperVDriverDescriptor.Name, (_, _) => new HyperVDriver(options));
        services.AddKeyedSingleton<IDriverProbe>(HyperVDriverDescriptor.Name, (_, _) => new HyperVDriverProbe(options));
        return services;
    }
}
