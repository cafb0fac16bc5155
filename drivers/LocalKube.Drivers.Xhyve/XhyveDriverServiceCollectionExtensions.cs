using LocalKube.Abstractions.Drivers;
using Microsoft.Extensions.DependencyInjection;

namespace LocalKube.Drivers.Xhyve;

/// <summary>Registers the xhyve driver.</summary>
public static class XhyveDriverServiceCollectionExtensions
{
    /// <summary>
    /// Adds the xhyve driver (<c>xhyve</c>, alias <c>hyperkit</c>): its <see cref="DriverDescriptor"/>, and the keyed
    /// <see cref="IDriver"/> and <see cref="IDriverProbe"/> under the name <c>xhyve</c>.
    /// </summary>
    public static IServiceCollection AddXhyveDriver(this IServiceCollection services, Action<XhyveDriverOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new XhyveDriverOptions();
        configure?.Invoke(options);

        services.AddSingleton(XhyveDriverDescriptor.Instance);
        services.AddKeyedSingleton<IDriver>(XhyveDriverDescriptor.Name, (_, _) => new XhyveDriver(options));
        services.AddKeyedSingleton<IDriverProbe>(XhyveDriverDescriptor.Name, (_, _) => new XhyveDriverProbe(options));
        return services;
    }
}
