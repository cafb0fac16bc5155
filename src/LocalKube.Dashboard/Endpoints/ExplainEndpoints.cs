using System.Net;
using LocalKube.Dashboard.Explain;
using LocalKube.Dashboard.Upstream;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LocalKube.Dashboard.Endpoints;

/// <summary><c>GET /api/explain/namespaces/{ns}/{resource}/{name}</c>: "why isn't it running?" for a pod or a workload.</summary>
internal static class ExplainEndpoints
{
    public static void Map(IEndpointRouteBuilder app, Explainer explainer)
    {
        app.MapGet("/api/explain/namespaces/{ns}/{resource}/{name}", (RequestDelegate)(async context =>
        {
            var values = context.Request.RouteValues;
            var (ns, resource, name) = ((string)values["ns"]!, (string)values["resource"]!, (string)values["name"]!);
            try
            {
                var explanation = resource == "pods"
                    ? await explainer.ExplainPodAsync(ns, name, context.RequestAborted)
                    : await explainer.ExplainWorkloadAsync(ns, resource, name, context.RequestAborted);
                context.Response.Headers.CacheControl = "no-store";
                await context.Response.WriteAsJsonAsync(explanation, DashboardJsonContext.Default.Explanation, cancellationToken: context.RequestAborted);
            }
            catch (ApiStatusException e)
            {
                await ApiProxy.WriteStatusAsync(context.Response, (HttpStatusCode)e.Code, e.Reason, e.Message, context.RequestAborted);
            }
            catch (HttpRequestException e)
            {
                await ApiProxy.WriteStatusAsync(context.Response, HttpStatusCode.ServiceUnavailable, "ServiceUnavailable",
                    "the cluster is not reachable: " + Watch.ClusterHealth.Describe(e), context.RequestAborted);
            }
        }));
    }
}
