using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LocalKube.Node.ApiServer.Rest;

/// <summary>
/// The list of CustomResourceDefinitions, answered empty. LocalKube serves no custom resources (apiextensions.k8s.io
/// is not in discovery, and nothing can create a CRD), but clients ask which CRDs exist without discovery: kubectl's
/// field-validation check (1.27 on) lists them for a kind it finds in no OpenAPI document, and on a 404 fails with
/// "failed to check CRD: failed to list CRDs" where upstream, finding none, goes on to "no matches for kind". So the
/// list answers as a cluster without CRDs does, at the store's current revision.
/// </summary>
public sealed class CustomResourceDefinitionsModule(ResourceStore store) : IApiServerModule
{
    /// <summary>The collection's path.</summary>
    public const string Path = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services)
    {
    }

    /// <inheritdoc />
    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapMethods(Path, ["GET"], ServeAsync);
    }

    private async Task ServeAsync(HttpContext context)
    {
        if (context.Request.Query["watch"] is { Count: > 0 } watch && watch[0] is "true" or "1")
        {
            // Nothing to watch: the resource is not served (the error middleware renders the Status).
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var revision = await store.CurrentRevisionAsync(context.RequestAborted);
        var body = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $$"""{"kind":"CustomResourceDefinitionList","apiVersion":"apiextensions.k8s.io/v1","metadata":{"resourceVersion":"{{revision}}"},"items":[]}"""));
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }
}
