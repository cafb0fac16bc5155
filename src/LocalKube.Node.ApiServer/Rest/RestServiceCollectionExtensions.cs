using LocalKube.Node.ApiServer.Admission;
using LocalKube.Node.ApiServer.Bootstrap;
using LocalKube.Node.ApiServer.Catalog.Core;
using LocalKube.Node.ApiServer.Resources;
using LocalKube.Node.ApiServer.Storage;
using LocalKube.Node.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LocalKube.Node.ApiServer.Rest;

/// <summary>Registration of storage, the REST machinery and the resources it serves.</summary>
public static class RestServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Storage component (embedded store under <c>&lt;data-dir&gt;/store</c>, or <c>--etcd-servers</c>).
    /// Call before <c>AddLocalKubeApiServer</c> so the API server waits for it and stops before it.
    /// </summary>
    public static IServiceCollection AddLocalKubeStorage(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<StoreAccessor>();
        services.TryAddSingleton<StorageHealth>();
        services.AddSingleton<INodeHealthCheck>(p => new StorageHealthCheck(StorageHealthCheck.Etcd, ["healthz", "livez", "readyz"], p.GetRequiredService<StorageHealth>()));
        services.AddSingleton<INodeHealthCheck>(p => new StorageHealthCheck(StorageHealthCheck.EtcdReadiness, ["readyz"], p.GetRequiredService<StorageHealth>()));
        services.AddNodeComponent<StorageService>(NodeComponent.Storage);
        services.AddNodeSetting(new NodeSettingDefault(NodeComponent.Storage, StorageService.ListenClientUrlsKey, string.Empty) { Kind = NodeSettingKind.UrlList });
        services.AddNodeSetting(new NodeSettingDefault(NodeComponent.Storage, StorageService.AllowExternalKey, "false") { Kind = NodeSettingKind.Boolean });
        services.AddNodeSetting(new NodeSettingDefault(NodeComponent.ApiServer, ApiServerSettings.EtcdCompactionInterval, ApiServerSettings.DefaultEtcdCompactionInterval) { Kind = NodeSettingKind.Duration });
        return services;
    }

    /// <summary>
    /// Adds the generic REST machinery (routes, registry, merge patch), the core strategies (namespaces, configmaps,
    /// secrets), Service IP allocation, and the bootstrap component.
    /// </summary>
    public static IServiceCollection AddLocalKubeRest(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<StoreAccessor>();
        services.TryAddSingleton<RestResources>();
        services.TryAddSingleton<ResourceStore>();
        services.AddPatchHandler<MergePatchHandler>();
        services.AddPatchHandler<Patching.JsonPatchHandler>();
        services.AddPatchHandler<Patching.StrategicMergePatchHandler>();
        services.AddApiServerModule<RestModule>();
        services.AddApiServerModule<CustomResourceDefinitionsModule>();
        services.AddApiServerModule<Proxy.ProxyModule>();
        services.AddResourceStrategy<NamespaceStrategy>();
        services.AddResourceStrategy<ConfigMapStrategy>();
        services.AddResourceStrategy<SecretStrategy>();
        services.AddAdmissionHook<ServiceAllocation>();
        services.TryAddSingleton<ClusterBootstrap>();
        services.TryAddSingleton<ControlPlaneLabel>();
        services.AddNodeComponent<BootstrapService>(BootstrapService.Id);
        return services;
    }

    /// <summary>
    /// Serves a resource through the REST machinery and discovery. The strategy is a singleton; it may also implement
    /// <see cref="IDeletionStrategy"/> and <see cref="IScaleStrategy"/>.
    /// </summary>
    public static IServiceCollection AddResourceStrategy<TStrategy>(this IServiceCollection services)
        where TStrategy : class, IResourceStrategy
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(TStrategy)))
        {
            return services;
        }

        services.AddSingleton<TStrategy>();
        services.AddSingleton<IResourceStrategy>(sp => sp.GetRequiredService<TStrategy>());
        services.AddSingleton(sp => sp.GetRequiredService<TStrategy>().Descriptor);
        return services;
    }

    /// <summary>Adds an admission hook (e.g. an allocator) run before writes of the kinds it applies to.</summary>
    public static IServiceCollection AddAdmissionHook<THook>(this IServiceCollection services)
        where THook : class, IAdmissionHook
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAdmissionHook, THook>());
        return services;
    }

    /// <summary>Adds a PATCH body format (strategic merge, JSON patch, apply...).</summary>
    public static IServiceCollection AddPatchHandler<THandler>(this IServiceCollection services)
        where THandler : class, IPatchHandler
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPatchHandler, THandler>());
        return services;
    }
}
