using System.Net;
using LocalKube.Dashboard.Security;
using LocalKube.Dashboard.Upstream;
using LocalKube.Dashboard.Watch;
using Microsoft.AspNetCore.Http;

namespace LocalKube.Dashboard.Endpoints;

/// <summary>
/// <c>/api/k8s/&lt;API path&gt;</c>: the page's reads and writes, passed to the API server as the profile's user.
/// Bodies stream both ways, so <c>pods/log?follow=true</c> reaches the page line by line. Only the API's own
/// paths are reachable, only plain HTTP (the exec and port-forward upgrades have their own endpoints), and only the
/// headers the API needs pass: never the page's cookies.
/// </summary>
public sealed class ApiProxy(KubeApi api, ClusterHealth health)
{
    public const string Prefix = "/api/k8s";

    private static readonly string[] AllowedRoots = ["api", "apis", "version", "readyz", "livez", "healthz", "openapi"];
    private static readonly string[] RequestHeaders = ["Accept", "Content-Type"];
    private static readonly string[] ResponseHeaders = ["Content-Type", "Warning", "Retry-After"];

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var path = request.Path.Value![Prefix.Length..];
        var root = path.TrimStart('/').Split('/', 2)[0];
        if (!path.StartsWith('/') || !AllowedRoots.Contains(root) || path.Contains("/../", StringComparison.Ordinal) || path.EndsWith("/..", StringComparison.Ordinal))
        {
            await WriteStatusAsync(response, HttpStatusCode.NotFound, "NotFound", $"the dashboard does not proxy {path}", context.RequestAborted);
            return;
        }

        if (context.WebSockets.IsWebSocketRequest)
        {
            await WriteStatusAsync(response, HttpStatusCode.BadRequest, "BadRequest", "use /api/exec or /api/portforward for streams", context.RequestAborted);
            return;
        }

        // The link's secret is the dashboard's alone: it never goes on to the API server (and its audit log).
        var query = request.Query.ContainsKey(AccessGuard.TokenParameter)
            ? QueryString.Create(request.Query.Where(q => !q.Key.Equals(AccessGuard.TokenParameter, StringComparison.OrdinalIgnoreCase)))
            : request.QueryString;

        // Resolved here, not by HttpClient: "//api/v1" is a network-path reference (host "api", with the profile's
        // credentials), and backslashes and dot segments resolve to paths outside the allowed roots.
        if (!Uri.TryCreate(path + query, UriKind.Relative, out var relative) || !Uri.TryCreate(api.Server, relative, out var target) || target.Scheme != api.Server.Scheme
            || target.Authority != api.Server.Authority || !AllowedRoots.Contains(target.AbsolutePath.TrimStart('/').Split('/', 2)[0]))
        {
            await WriteStatusAsync(response, HttpStatusCode.NotFound, "NotFound", $"the dashboard does not proxy {path}", context.RequestAborted);
            return;
        }

        using var message = new HttpRequestMessage(new HttpMethod(request.Method), target);
        if (HttpMethods.IsHead(request.Method))
        {
            // A HEAD answer has no body, so HttpClient pools its connection at once, while the API server may still be
            // serving it (a HEAD watch runs until its timeout): the next request on that connection would wait as long.
            message.Headers.ConnectionClose = true;
        }

        if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            message.Content = new StreamContent(request.Body);
            message.Content.Headers.ContentLength = request.ContentLength;
        }

        foreach (var name in RequestHeaders)
        {
            if (!request.Headers.TryGetValue(name, out var values))
            {
                continue;
            }

            // Kestrel takes Latin-1 and controls in a value, HttpClient sends only visible ASCII: refuse it here, as
            // the page's mistake, before it reads as a cluster that cannot be reached.
            if (values.ToString().Any(c => c is < ' ' or > '~' && c != '\t'))
            {
                await WriteStatusAsync(response, HttpStatusCode.BadRequest, "BadRequest", $"the {name} header has characters that cannot be passed on", context.RequestAborted);
                return;
            }

            if (name == "Content-Type")
            {
                message.Content ??= new ByteArrayContent([]);
                message.Content.Headers.TryAddWithoutValidation(name, values.ToString());
            }
            else
            {
                message.Headers.TryAddWithoutValidation(name, values.ToString());
            }
        }

        HttpResponseMessage upstream;
        try
        {
            upstream = await api.Http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        }
        catch (HttpRequestException e) when (BodyRefusal(e) is { } refusal)
        {
            // The page's body broke Kestrel's limits while it was being sent on (too large, cut short): the page's
            // mistake, not the cluster's.
            await WriteStatusAsync(response, (HttpStatusCode)refusal.StatusCode, "BadRequest", refusal.Message, context.RequestAborted);
            return;
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !context.RequestAborted.IsCancellationRequested))
        {
            health.ReportFailure();
            await WriteStatusAsync(response, HttpStatusCode.ServiceUnavailable, "ServiceUnavailable",
                "the cluster is not reachable: " + ClusterHealth.Describe(e), context.RequestAborted);
            return;
        }

        using (upstream)
        {
            response.StatusCode = (int)upstream.StatusCode;
            foreach (var name in ResponseHeaders)
            {
                if (upstream.Headers.TryGetValues(name, out var values) || upstream.Content.Headers.TryGetValues(name, out values))
                {
                    response.Headers[name] = values.ToArray();
                }
            }

            response.Headers.CacheControl = "no-store";
            await using var body = await upstream.Content.ReadAsStreamAsync(context.RequestAborted);
            // Flush every read: follow=true logs must arrive as they are written, not when a buffer fills.
            var buffer = new byte[16 * 1024];
            try
            {
                // StartAsync makes the headers final; the flush sends them, so a watch with no event yet is open.
                await response.StartAsync(context.RequestAborted);
                await response.Body.FlushAsync(context.RequestAborted);
                int read;
                while ((read = await body.ReadAsync(buffer, context.RequestAborted)) > 0)
                {
                    await response.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
                    await response.Body.FlushAsync(context.RequestAborted);
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or HttpRequestException)
            {
                // The page went away, or the cluster did mid-stream: either way the stream is over.
                context.Abort();
            }
        }
    }

    private static BadHttpRequestException? BodyRefusal(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is BadHttpRequestException refusal)
            {
                return refusal;
            }
        }

        return null;
    }

    internal static async Task WriteStatusAsync(HttpResponse response, HttpStatusCode code, string reason, string message, CancellationToken cancellationToken)
    {
        response.StatusCode = (int)code;
        response.ContentType = "application/json";
        await response.WriteAsync(
            System.Text.Json.JsonSerializer.Serialize(new ApiStatus("Status", "v1", "Failure", reason, (int)code, message), DashboardJsonContext.Default.ApiStatus),
            cancellationToken);
    }
}
