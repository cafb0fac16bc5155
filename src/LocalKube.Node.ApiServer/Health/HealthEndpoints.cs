using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LocalKube.Node.ApiServer.Health;

/// <summary>Maps <c>/healthz</c>, <c>/livez</c>, <c>/readyz</c> and their <c>/&lt;check&gt;</c> sub-paths.</summary>
internal static class HealthEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        foreach (var kind in HealthReporter.Kinds)
        {
            endpoints.MapMethods($"/{kind}", ["GET", "HEAD"], context => ServeAllAsync(context, kind));
            endpoints.MapMethods($"/{kind}/{{check}}", ["GET", "HEAD"], context => ServeOneAsync(context, kind));
        }
    }

    private static Task ServeAllAsync(HttpContext context, string kind)
    {
        var reporter = context.RequestServices.GetRequiredService<HealthReporter>();
        var query = context.Request.Query;
        var exclude = query["exclude"].Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).ToArray();
        var (status, body) = HealthReporter.Render(kind, reporter.Evaluate(kind, exclude), query.ContainsKey("verbose"));
        return WriteAsync(context, status, body);
    }

    private static Task ServeOneAsync(HttpContext context, string kind)
    {
        var reporter = context.RequestServices.GetRequiredService<HealthReporter>();
        var name = (string)context.Request.RouteValues["check"]!;
        var check = reporter.Evaluate(kind).FirstOrDefault(r => r.Name == name);
        if (check is null)
        {
            // Unknown check: a Status 404 from the error middleware.
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        return check.Healthy
            ? WriteAsync(context, 200, "ok")
            : WriteAsync(context, 500, $"internal server error: {name} check failed\n");
    }

    private static Task WriteAsync(HttpContext context, int status, string body)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "text/plain; charset=utf-8";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.CacheControl = "no-cache, private";
        return response.WriteAsync(body, context.RequestAborted);
    }
}
