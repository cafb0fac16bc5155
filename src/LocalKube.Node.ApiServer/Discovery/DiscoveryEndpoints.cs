using LocalKube.Node.ApiServer.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace LocalKube.Node.ApiServer.Discovery;

/// <summary>Maps <c>/api</c>, <c>/api/v1</c>, <c>/apis</c>, <c>/apis/&lt;g&gt;</c> and <c>/apis/&lt;g&gt;/&lt;v&gt;</c>.</summary>
internal static class DiscoveryEndpoints
{
    private static readonly string[] Get = ["GET", "HEAD"];

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMethods("/api", Get, context => ServeRootAsync(context, core: true));
        endpoints.MapMethods("/apis", Get, context => ServeRootAsync(context, core: false));
        endpoints.MapMethods("/api/{version}", Get, context =>
        {
            var version = (string)context.Request.RouteValues["version"]!;
            return ServeAsync(context, $"resources//{version}", r => r.ResourceList("", version), "application/json");
        });
        endpoints.MapMethods("/apis/{group}", Get, context =>
        {
            var group = (string)context.Request.RouteValues["group"]!;
            return ServeAsync(context, $"group/{group}", r => r.ApiGroup(group), "application/json");
        });
        endpoints.MapMethods("/apis/{group}/{version}", Get, context =>
        {
            var group = (string)context.Request.RouteValues["group"]!;
            var version = (string)context.Request.RouteValues["version"]!;
            return ServeAsync(context, $"resources/{group}/{version}", r => r.ResourceList(group, version), "application/json");
        });
    }

    private static Task ServeRootAsync(HttpContext context, bool core)
    {
        var format = DiscoveryNegotiation.Select(context.Request.Headers.Accept);
        context.Response.Headers.Vary = HeaderNames.Accept;
        var root = core ? "api" : "apis";
        return format switch
        {
            DiscoveryFormat.AggregatedV2 => ServeAsync(context, $"{root}/v2", r => r.Aggregated(core, format), DiscoveryNegotiation.AggregatedV2ContentType),
            DiscoveryFormat.AggregatedV2Beta1 => ServeAsync(context, $"{root}/v2beta1", r => r.Aggregated(core, format), DiscoveryNegotiation.AggregatedV2Beta1ContentType),
            DiscoveryFormat.Legacy => ServeAsync(context, root, r => core ? r.ApiVersions() : r.ApiGroupList(), "application/json"),
            _ => ApiStatus.WriteAsync(context.Response, StatusCodes.Status406NotAcceptable, "NotAcceptable",
                "only the following media types are accepted: application/json, " + DiscoveryNegotiation.AggregatedV2ContentType,
                context.RequestAborted),
        };
    }

    private static async Task ServeAsync(HttpContext context, string key, Func<DiscoveryRenderer, object?> build, string contentType)
    {
        var body = context.RequestServices.GetRequiredService<DiscoveryRenderer>().Json(key, build);
        if (body is null)
        {
            // Unknown group or version: the error middleware turns this into a Status.
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        // Set verbatim: clients pick aggregated vs legacy parsing from this header alone.
        context.Response.ContentType = contentType;
        context.Response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(body, context.RequestAborted);
        }
    }
}
