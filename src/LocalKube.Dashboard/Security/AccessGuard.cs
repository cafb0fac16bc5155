using System.Net;
using Microsoft.AspNetCore.Http;

namespace LocalKube.Dashboard.Security;

/// <summary>
/// Every request passes here first. The dashboard acts with the profile's (admin) credentials, so nothing but the
/// browser tab opened from the printed link may drive it:
/// <list type="bullet">
/// <item>the Host header must name this loopback listener (DNS rebinding: a page on <c>evil.test</c> that resolves to 127.0.0.1);</item>
/// <item>every request carries the per-run secret, from the link's <c>token</c> query parameter or the HttpOnly,
/// SameSite=Strict cookie it is swapped for (another local user, or a page that guesses the port);</item>
/// <item>WebSockets and every method but GET and HEAD must come from the dashboard's own Origin (CSRF), and no CORS
/// header is ever sent.</item>
/// </list>
/// Refusals are 403 and never echo the secret.
/// </summary>
public sealed class AccessGuard(DashboardSecret secret, Func<int> port)
{
    /// <summary>The query parameter of the printed link.</summary>
    public const string TokenParameter = "token";

    public string CookieName => $"localkube-dashboard-{port()}";

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        var response = context.Response;
        AddSecurityHeaders(response);

        if (!IsAllowedHost(request.Host))
        {
            await RefuseAsync(context, "This dashboard answers only on 127.0.0.1 and localhost (Host header refused).");
            return;
        }

        var fromQuery = request.Query[TokenParameter].ToString();
        var authenticated = secret.Matches(request.Cookies[CookieName]);
        if (!authenticated && secret.Matches(fromQuery))
        {
            authenticated = true;
            response.Cookies.Append(CookieName, secret.Value, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Path = "/",
                IsEssential = true,
            });
        }

        if (!authenticated)
        {
            await RefuseAsync(context, "Open the dashboard with the link that 'localkube dashboard' printed: this request does not carry its secret.");
            return;
        }

        var unsafeMethod = !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method);
        if ((unsafeMethod || IsUpgrade(request)) && !IsOwnOrigin(request))
        {
            await RefuseAsync(context, "Cross-origin request refused: only the dashboard's own pages may change the cluster.");
            return;
        }

        // The link's token has done its job: drop it from the address bar (and so from history and bookmarks).
        if (!string.IsNullOrEmpty(fromQuery) && HttpMethods.IsGet(request.Method) && !request.Path.StartsWithSegments("/api"))
        {
            // Query names match case-insensitively (so "TOKEN" was read as the token too): drop it in any case.
            var rest = QueryString.Create(request.Query.Where(q => !q.Key.Equals(TokenParameter, StringComparison.OrdinalIgnoreCase)));
            response.Redirect(request.PathBase + request.Path + rest);
            return;
        }

        await next(context);
    }

    // From the headers: the guard runs before the WebSocket middleware, so the WebSocket feature is not there yet.
    internal static bool IsUpgrade(HttpRequest request) =>
        request.Headers.Upgrade.Any(u => u?.Contains("websocket", StringComparison.OrdinalIgnoreCase) == true)
        || request.Headers.Connection.Any(c => c?.Contains("upgrade", StringComparison.OrdinalIgnoreCase) == true);

    internal bool IsAllowedHost(HostString host)
    {
        if (!host.HasValue || host.Port != port())
        {
            return false;
        }

        return host.Host is "127.0.0.1" or "localhost" or "[::1]";
    }

    internal bool IsOwnOrigin(HttpRequest request)
    {
        if (request.Headers.TryGetValue("Sec-Fetch-Site", out var site) && site.ToString() is "cross-site" or "same-site")
        {
            return false;
        }

        var origin = request.Headers.Origin.ToString();
        if (string.IsNullOrEmpty(origin) || !Uri.TryCreate(origin, UriKind.Absolute, out var uri))
        {
            return false;
        }

        return uri.Scheme == Uri.UriSchemeHttp && uri.Port == port() && IsAllowedHost(new HostString(uri.Authority));
    }

    private static void AddSecurityHeaders(HttpResponse response)
    {
        var headers = response.Headers;
        headers["X-Content-Type-Options"] = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers["X-Frame-Options"] = "DENY";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        // No inline scripts; CodeMirror and React set inline styles. 'self' covers this origin's ws:// too.
        headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
            "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
    }

    private static async Task RefuseAsync(HttpContext context, string message)
    {
        var response = context.Response;
        response.StatusCode = (int)HttpStatusCode.Forbidden;
        response.Headers.CacheControl = "no-store";
        var wantsHtml = context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.Ordinal);
        if (wantsHtml)
        {
            response.ContentType = "text/html; charset=utf-8";
            await response.WriteAsync(
                "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>LocalKube dashboard: forbidden</title></head>" +
                "<body style=\"font-family:system-ui,sans-serif;max-width:40em;margin:4em auto\"><h1>Forbidden</h1><p>" +
                WebUtility.HtmlEncode(message) + "</p><p>Run <code>localkube dashboard</code> again to get a working link.</p></body></html>",
                context.RequestAborted);
            return;
        }

        response.ContentType = "application/json";
        await response.WriteAsync(
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"reason\":\"Forbidden\",\"code\":403,\"message\":" +
            System.Text.Json.JsonSerializer.Serialize(message, DashboardJsonContext.Default.String) + "}",
            context.RequestAborted);
    }
}
