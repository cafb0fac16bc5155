using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LocalKube.Node.ApiServer;

/// <summary>
/// The seam through which later issues add to the API server: register an implementation in the agent's services
/// (<see cref="ApiServerServiceCollectionExtensions.AddApiServerModule{TModule}"/>); it is resolved from the agent's
/// container (so it can take storage and other agent singletons in its constructor), then asked to add services to
/// the API server's own web container and to map its endpoints behind authentication.
/// </summary>
public interface IApiServerModule
{
    /// <summary>Adds services to the API server's web application container.</summary>
    void ConfigureServices(IServiceCollection services);

    /// <summary>Maps endpoints (e.g. <c>/api/v1/namespaces/{ns}/pods</c>); they run after authentication.</summary>
    void MapEndpoints(IEndpointRouteBuilder endpoints);
}
