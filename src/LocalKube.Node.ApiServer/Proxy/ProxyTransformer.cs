using System.IO.Compression;
using System.Net;
using System.Text;
using LocalKube.Node.ApiServer.Rest;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace LocalKube.Node.ApiServer.Proxy;

/// <summary>
/// Sends the request to exactly <see cref="ProxyTarget.Uri"/>, without the caller's credentials (the backend sees the
/// API server, or nobody), as upstream's proxy handlers. For <c>pods/log</c> a kubelet's error becomes a Status whose
/// message is the kubelet's text (upstream's <c>GenericHttpResponseChecker</c>), so kubectl prints it. With
/// <paramref name="links"/> (the pods, services and nodes proxies) the response is the backend's as upstream's
/// wrapped proxy transport returns it: its CORS headers dropped, a redirect's Location and an HTML page's links
/// kept inside the proxy (<see cref="ProxiedLinks"/>).
/// </summary>
internal sealed class ProxyTransformer(ProxyTarget target, string? statusResource, string name, ProxiedLinks? links = null) : HttpTransformer
{
    // Pages larger than this pass through unchanged (they are read whole to be rewritten).
    private const long MaxRewrittenBytes = 16 << 20;

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
        if (links is not null && proxyResponse is not null)
        {
            return await RewriteAsync(httpContext, proxyResponse, links, cancellationToken);
        }

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

    private async ValueTask<bool> RewriteAsync(HttpContext httpContext, HttpResponseMessage proxyResponse, ProxiedLinks rewriter, CancellationToken cancellationToken)
    {
        var copyBody = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        var headers = httpContext.Response.Headers;
        foreach (var cors in headers.Keys.Where(k => k.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            headers.Remove(cors);
        }

        if (headers.Location is { Count: > 0 } location)
        {
            headers.Location = rewriter.Rewrite(location.ToString());
            return copyBody;
        }

        var content = proxyResponse.Content.Headers;
        var encoding = content.ContentEncoding.SingleOrDefault() ?? "";
        if (!copyBody || content.ContentType?.MediaType != "text/html" || content.ContentLength > MaxRewrittenBytes
            || encoding is not ("" or "gzip" or "deflate") || HttpMethods.IsHead(httpContext.Request.Method))
        {
            return copyBody;
        }

        var text = content.ContentType.CharSet is { Length: > 0 } charset ? Encoding.GetEncoding(charset.Trim('"')) : Encoding.UTF8;
        await using var raw = await proxyResponse.Content.ReadAsStreamAsync(cancellationToken);
        await using var decoded = encoding switch
        {
            "gzip" => new GZipStream(raw, CompressionMode.Decompress),
            "deflate" => new DeflateStream(raw, CompressionMode.Decompress),
            _ => raw,
        };
        using var reader = new StreamReader(decoded, text);
        var body = text.GetBytes(rewriter.RewriteHtml(await reader.ReadToEndAsync(cancellationToken)));
        if (encoding.Length > 0)
        {
            using var output = new MemoryStream();
            await using (Stream encoder = encoding == "gzip"
                ? new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)
                : new DeflateStream(output, CompressionLevel.Fastest, leaveOpen: true))
            {
                await encoder.WriteAsync(body, cancellationToken);
            }

            body = output.ToArray();
        }

        httpContext.Response.ContentLength = body.Length;
        await httpContext.Response.Body.WriteAsync(body, cancellationToken);
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
