using System.Net;
using LocalKube.Node.ApiServer.Rest;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace LocalKube.Node.ApiServer.Proxy;

/// <summary>
/// Sends the request to exactly <see cref="ProxyTarget.Uri"/>, without the caller's credentials (the backend sees the
/// API server, or nobody), as upstream's proxy handlers. For <c>pods/log</c> a kubelet's error becomes a Status whose
/// message is the kubelet's text (upstream's <c>GenericHttpResponseChecker</c>), so kubectl prints it.
/// </summary>
internal sealed class ProxyTransformer(ProxyTarget target, string? statusResource, string name) : HttpTransformer
{
    private static readonly string[] Dropped = ["Authorization", "Cookie", "X-Remote-User", "X-Remote-Group"];

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        foreach (var header in Dropped)
        {
            proxyRequest.Headers.Remove(header);
        }

        foreach (var header in proxyRequest.Headers.Select(h => h.Key).Where(k => k.StartsWith("Impersonate-", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            proxyRequest.Headers.Remove(header);
        }

        proxyRequest.RequestUri = target.Uri;
        proxyRequest.Headers.Host = null;
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        if (statusResource is null || proxyResponse is null || proxyResponse.IsSuccessStatusCode)
        {
            return await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        }

        var code = (int)proxyResponse.StatusCode;
        var body = (await proxyResponse.Content.ReadAsStringAsync(cancellationToken)).Trim();
        var (reason, fallback) = proxyResponse.StatusCode switch
        {
            HttpStatusCode.BadRequest => ("BadRequest", "the server rejected our request for an unknown reason"),
            HttpStatusCode.Unauthorized => ("Unauthorized", "the server has asked for the client to provide credentials"),
            HttpStatusCode.Forbidden => ("Forbidden", $"{statusResource} \"{name}\" is forbidden"),
            HttpStatusCode.NotFound => ("NotFound", $"{statusResource} \"{name}\" not found"),
            _ => ("InternalError", "an error on the server has prevented the request from succeeding"),
        };
        var message = body.Length > 0 && !body.StartsWith('{') ? body : fallback;
        var json = StatusException.RenderStatus(code, reason, message, null);
        httpContext.Response.StatusCode = code;
        httpContext.Response.ContentType = "application/json";
        httpContext.Response.ContentLength = json.Length;
        await httpContext.Response.Body.WriteAsync(json, cancellationToken);
        return false;
    }

    /// <summary>The body of a Status for a backend that could not be reached.</summary>
    public static byte[] Unreachable(Exception? error, bool toKubelet)
    {
        var why = error?.InnerException?.Message ?? error?.Message ?? "connection failed";
        return toKubelet
            ? StatusException.RenderStatus(500, "InternalError", why, null)
            : StatusException.RenderStatus(503, "ServiceUnavailable", "error trying to reach service: " + why, null);
    }
}
