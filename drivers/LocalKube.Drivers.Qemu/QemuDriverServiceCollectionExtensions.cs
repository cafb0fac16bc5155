using LocalKube.Abstractions.Drivers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LocalKube.Drivers.Qemu;

/// <summary>Registers the qemu driver.</summary>
public static class QemuDriverServiceCollectionExtensions
{
    /// <summary>
    /// Adds the qemu driver (<c>qemu</c>, alias <c>qemu2</c>): its <see cref="DriverDescriptor"/>, and the keyed
    /// <see cref="IDriver"/> and <see cref="IDriverProbe"/> under the name <c>qemu</c>.
    /// </summary>
    public static IServiceCollection AddQemuDriver(this IServiceCollection services, Action<QemuDriverOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new QemuDriverOptions();
        configure?.Invoke(options);

        services.AddSingleton(QemuDriverDescriptor.Instance);
        services.AddKeyedSingleton(QemuDriverDescriptor.Name, (sp, _) => new QemuDriver(options, sp.GetService<ILogger<QemuDriver>>()));
        services.AddKeyedSingleton<IDriver>(QemuDriverDescriptor.Name, (sp, key) => sp.GetRequiredKeyedService<QemuDriver>(key));
        services.AddKeyedSingleton<IDriverProbe>(QemuDriverDescriptor.Name, (_, _) => new QemuDriverProbe(options));
        return services;
    }
}
