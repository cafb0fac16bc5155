using LocalKube.Core.Assets;
using LocalKube.Core.Certificates;
using LocalKube.Core.Drivers;
using LocalKube.Core.Kubeconfig;
using LocalKube.Core.Paths;
using LocalKube.Core.Profiles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace LocalKube.Core;

/// <summary>Registers LocalKube's host-side services.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Adds paths, profiles, PKI, kubeconfig, the driver registry and selector, and the asset locator. Paths and the
    /// kubeconfig location come from the environment (<c>LOCALKUBE_HOME</c>, <c>KUBECONFIG</c>) unless a
    /// <see cref="LocalKubePaths"/> or <see cref="KubeconfigStore"/> is registered first. Drivers are added separately
    /// (<c>AddDockerDriver()</c> and so on), before or after this call.
    /// </summary>
    public static IServiceCollection AddLocalKubeCore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => LocalKubePaths.FromEnvironment());
        services.TryAddSingleton<ProfileStore>();
        services.TryAddSingleton(sp => new Pki(
            sp.GetRequiredService<LocalKubePaths>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<Pki>>()));
        services.TryAddSingleton(sp => new KubeconfigStore(
            KubeconfigLocator.Resolve(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<KubeconfigStoreOptions>(),
            sp.GetService<ILogger<KubeconfigStore>>()));
        // Drivers are enumerated when the registry is first resolved, so registration order does not matter.
        services.TryAddSingleton(DriverRegistry.FromServices);
        services.TryAddSingleton(sp => new DriverSelector(
            sp.GetRequiredService<DriverRegistry>(),
            sp.GetService<ILogger<DriverSelector>>()));
        services.TryAddSingleton(_ => new AssetLocator());
        services.TryAddSingleton<Images.HostDocker>();
        return services;
    }
}
