using LocalKube.Node.ApiServer.Discovery;
using LocalKube.Node.ApiServer.Http;
using LocalKube.Node.ApiServer.Rest;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace LocalKube.Node.ApiServer.OpenApi;

/// <summary>
/// Serves <c>/openapi/v3</c> (the index), <c>/openapi/v3/&lt;group-version&gt;</c> as JSON and <c>/openapi/v2</c> as
/// JSON or gnostic protobuf, with upstream's caching: an ETag of the content hash honoured through If-None-Match
/// (304), and hashed v3 URLs cached as <c>public, immutable</c> for a year (a stale hash is redirected to the current
/// one).
/// </summary>
/// <remarks>
/// kubectl 1.32 validates, explains and computes apply patches from v3, and asks for the protobuf v2 document when a
/// kind is not in v3 (its client-side validation of an unknown kind); kubectl before 1.27 reads only v2, always in
/// protobuf. v2 is negotiated as kube-openapi does: the Accept clauses by quality, specific before wildcard, each
/// tried against JSON, then protobuf under its deprecated and current names; the protobuf shares the JSON's ETag;
/// nothing acceptable is a bare 406.
/// </remarks>
public sealed class OpenApiModule(IResourceRegistry registry, IEnumerable<IPatchHandler> patchers, TimeProvider time) : IApiServerModule
{
    private static readonly string[] Get = ["GET", "HEAD"];
    private readonly OpenApiDocuments _documents = new(registry, patchers);

    /// <summary>The documents this module serves (tests and benchmarks read them directly).</summary>
    public OpenApiDocuments Documents => _documents;

    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services) => services.AddSingleton(_documents);

    /// <inheritdoc />
    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapMethods("/openapi/v3", Get, context => ServeAsync(context, _documents.Index, immutable: false));
        endpoints.MapMethods("/openapi/v3/{**path}", Get, ServeGroupVersionAsync);
        endpoints.MapMethods("/openapi/v2", Get, ServeV2Async);
    }

    private Task ServeV2Async(HttpContext context)
    {
        context.Response.Headers.Vary = HeaderNames.Accept;
        switch (SwaggerMediaTypes.Negotiate(context.Request.Headers.Accept.ToString()))
        {
            case SwaggerMediaType.Json:
                return ServeAsync(context, _documents.V2, immutable: false);
            case SwaggerMediaType.Protobuf:
                return ServeAsync(context, _documents.V2, immutable: false, _documents.V2Protobuf, SwaggerMediaTypes.ProtobufContentType);
            default:
                context.Response.StatusCode = StatusCodes.Status406NotAcceptable;
                return Task.CompletedTask;
        }
    }

    private Task ServeGroupVersionAsync(HttpContext context)
    {
        var path = ((context.Request.RouteValues["path"] as string) ?? "").Trim('/');
        context.Response.Headers.Vary = HeaderNames.Accept;
        if (_documents.GroupVersion(path) is not { } document)
        {
            // The error middleware renders the Status.
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        if (!AcceptsJson(context.Request))
        {
            return NotAcceptableAsync(context);
        }

        var hash = context.Request.Query["hash"].ToString();
        if (hash.Length > 0 && hash != document.Hash)
        {
            // Moved on: send the client to the current content (upstream answers 301 too).
            context.Response.StatusCode = StatusCodes.Status301MovedPermanently;
            context.Response.Headers.Location = $"/openapi/v3/{path}?hash={document.Hash}";
            return Task.CompletedTask;
        }

        return ServeAsync(context, document, immutable: hash.Length > 0);
    }

    private async Task ServeAsync(HttpContext context, OpenApiDocument document, bool immutable, ReadOnlyMemory<byte>? body = null, string contentType = "application/json")
    {
        var response = context.Response;
        response.Headers.ETag = document.ETag;
        if (immutable)
        {
            response.Headers.CacheControl = "public, immutable";
            response.Headers.Expires = time.GetUtcNow().AddYears(1).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            response.Headers.CacheControl = "no-cache, private";
        }

        if (NoneMatch(context.Request, document.ETag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        var bytes = body ?? document.Body;
        response.ContentType = contentType;
        response.ContentLength = bytes.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(bytes, context.RequestAborted);
        }
    }

    private static bool NoneMatch(HttpRequest request, string etag)
    {
        foreach (var value in request.Headers.IfNoneMatch)
        {
            foreach (var tag in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (tag == "*" || tag == etag || (tag.StartsWith("W/", StringComparison.Ordinal) && tag[2..] == etag))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool AcceptsJson(HttpRequest request)
    {
        var accept = request.Headers.Accept.ToString();
        if (accept.Length == 0)
        {
            return true;
        }

        // By hand: the protobuf media types (with '@') are not valid header tokens for the framework's parser.
        foreach (var part in accept.Split(','))
        {
            var type = part.Split(';')[0].Trim();
            if (type.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type is "application/*" or "*/*")
            {
                return true;
            }
        }

        return false;
    }

    private static Task NotAcceptableAsync(HttpContext context) =>
        ApiStatus.WriteAsync(context.Response, StatusCodes.Status406NotAcceptable, "NotAcceptable",
            "only the following media types are accepted: application/json", context.RequestAborted);
}
