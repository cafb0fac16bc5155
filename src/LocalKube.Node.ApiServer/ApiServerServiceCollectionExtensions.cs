using LocalKube.Node.ApiServer.Authentication;
using LocalKube.Node.ApiServer.Discovery;
using LocalKube.Node.Hosting;
using Microsoft.Extensions.DependencyInjection;
using LocalKube.Node.ApiServer.Authorization;
using LocalKube.Node.ApiServer.Rest;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LocalKube.Node.ApiServer;

/// <summary>Registers the API server component and the things later issues plug into it.</summary>
public static class ApiServerServiceCollectionExtensions
{
    /// <summary>
    /// Adds the API server component (after <c>AddLocalKubeNode</c>, and after Storage when there is one), the
    /// resource registry and its settings defaults.
    /// </summary>
    public static IServiceCollection AddLocalKubeApiServer(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<IResourceRegistry, ResourceRegistry>();
        services.AddNodeSettingDefault(NodeComponent.ApiServer, ApiServerSettings.ServiceAccountIssuer, ServiceAccountTokens.DefaultIssuer);
        services.AddNodeSettingDefault(NodeComponent.ApiServer, ApiServerSettings.ApiAudiences, ServiceAccountTokens.DefaultIssuer);
        services.AddNodeSetting(new NodeSettingDefault(NodeComponent.ApiServer, ApiServerSettings.ServiceAccountMaxTokenExpiration, "48h0m0s") { Kind = NodeSettingKind.Duration });
        services.AddNodeComponent<ApiServerService>(NodeComponent.ApiServer);

        // After the API server: the controllers component stops first.
        services.AddLocalKubeRest();
        services.AddLocalKubeAuthorization();
        services.AddApiServerModule<OpenApi.OpenApiModule>();
        return services;
    }

    /// <summary>Serves <paramref name="resource"/> in discovery (and, through modules, on the wire).</summary>
    public static IServiceCollection AddApiResource(this IServiceCollection services, ApiResourceDescriptor resource)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(resource);
        services.AddSingleton(resource);
        return services;
    }

    /// <summary>Adds an <see cref="IApiServerModule"/> (endpoints and services of a later issue).</summary>
    public static IServiceCollection AddApiServerModule<TModule>(this IServiceCollection services)
        where TModule : class, IApiServerModule
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IApiServerModule, TModule>());
        return services;
    }
}
