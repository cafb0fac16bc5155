using LocalKube.Abstractions.Drivers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LocalKube.Drivers.Process;

/// <summary>Registers the process driver.</summary>
public static class ProcessDriverServiceCollectionExtensions
{
    /// <summary>
    /// Adds the process driver (<c>process</c>, alias <c>none</c>): its <see cref="DriverDescriptor"/>, and the keyed
    /// <see cref="IDriver"/> and <see cref="IDriverProbe"/> under the name <c>process</c>. Its
    /// <see cref="ProcessDriverOptions"/> go through the options system and <see cref="ProcessDriverOptionsValidator"/>,
    /// like the docker driver's: invalid settings fail with an <see cref="OptionsValidationException"/> when first resolved.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Optional settings, e.g. the agent start timeout.</param>
    /// <example><code>services.AddDockerDriver().AddProcessDriver();</code></example>
    public static IServiceCollection AddProcessDriver(this IServiceCollection services, Action<ProcessDriverOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ProcessDriverOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ProcessDriverOptions>, ProcessDriverOptionsValidator>());
        var name = ProcessDriver.DriverDescriptor.Name;
        services.AddSingleton(ProcessDriver.DriverDescriptor);
        services.AddKeyedSingleton<IDriver, ProcessDriver>(name);
        services.AddKeyedSingleton<IDriverProbe, ProcessDriverProbe>(name);
        return services;
    }
}
