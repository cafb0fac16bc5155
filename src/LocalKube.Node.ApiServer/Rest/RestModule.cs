using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LocalKube.Node.ApiServer.Rest;

/// <summary>
/// Plugs the generic REST machinery into the API server: every path under <c>/api/v1/</c> and
/// <c>/apis/&lt;group&gt;/&lt;version&gt;/</c> that no more specific endpoint claims (discovery, or a later issue's
/// <c>pods/{name}/log</c>) goes to <see cref="RestHandler"/>.
/// </summary>
public sealed class RestModule(ResourceStore store, IEnumerable<IPatchHandler> patchers, TimeProvider time) : IApiServerModule
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];
    private readonly RestHandler _handler = new(store, patchers, time);

    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services) => services.AddSingleton(_handler);

    /// <inheritdoc />
    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        // Order 1: discovery's /api/{version} and /apis/{group}/{version} (order 0) win on their exact paths.
        endpoints.MapMethods("/api/v1/{**rest}", Methods, context =>
            _handler.HandleAsync(context, "", "v1", context.Request.RouteValues["rest"] as string))
            .WithOrder(1);
        endpoints.MapMethods("/apis/{group}/{version}/{**rest}", Methods, context =>
            _handler.HandleAsync(context, (string)context.Request.RouteValues["group"]!, (string)context.Request.RouteValues["version"]!,
                context.Request.RouteValues["rest"] as string))
            .WithOrder(1);
    }
}
