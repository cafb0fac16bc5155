using HtmlAgilityPack;

namespace LocalKube.Node.ApiServer.Proxy;

/// <summary>
/// Keeps the links of a page served through <c>pods/proxy</c>, <c>services/proxy</c> or <c>nodes/proxy</c> inside
/// the proxy, as upstream's proxy transport does (apimachinery <c>util/proxy</c>): a link to an absolute path on the
/// backend (<c>/login</c>, or <c>http://10.244.0.5:8080/login</c>) gets the proxy's path in front
/// (<c>/api/v1/namespaces/default/services/web/proxy/login</c>), so a browser behind <c>kubectl proxy</c> stays on the
/// API server. Relative links and links to other hosts are left alone. Applies to a redirect's Location and to the
/// URL attributes of an HTML page.
/// </summary>
internal sealed class ProxiedLinks(string prefix, string backendHost, string requestHost)
{
    // The attributes that hold URLs, per element (upstream's list, from the HTML 4 and 5 attribute indexes).
    private static readonly Dictionary<string, string[]> UrlAttributes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["a"] = ["href"], ["applet"] = ["codebase"], ["area"] = ["href"], ["audio"] = ["src"], ["base"] = ["href"],
        ["blockquote"] = ["cite"], ["body"] = ["background"], ["button"] = ["formaction"], ["command"] = ["icon"],
        ["del"] = ["cite"], ["embed"] = ["src"], ["form"] = ["action"], ["frame"] = ["longdesc", "src"],
        ["head"] = ["profile"], ["html"] = ["manifest"], ["iframe"] = ["longdesc", "src"],
        ["img"] = ["longdesc", "src", "usemap"], ["input"] = ["src", "usemap", "formaction"], ["ins"] = ["cite"],
        ["link"] = ["href"], ["object"] = ["classid", "codebase", "data", "usemap"], ["q"] = ["cite"],
        ["script"] = ["src"], ["source"] = ["src"], ["video"] = ["poster", "src"],
    };

    /// <summary>
    /// The proxy's path in front of the backend path: the request's path without the part the backend was asked for
    /// (<c>/api/v1/namespaces/d/services/web/proxy/login</c> for backend path <c>/login</c> gives the service's proxy path).
    /// </summary>
    public static string PrefixOf(string requestPath, string backendPath)
    {
        var suffix = backendPath;
        if (requestPath.EndsWith('/') && !suffix.EndsWith('/'))
        {
            suffix += "/";
        }

        return requestPath.EndsWith(suffix, StringComparison.Ordinal) ? requestPath[..^suffix.Length] : requestPath;
    }

    /// <summary>One URL as the proxy rewrites it (unchanged when relative, on another host, or already proxied).</summary>
    public string Rewrite(string url)
    {
        if (string.IsNullOrEmpty(url))
        {
            return url;
        }

        string host;
        string rest;
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (url.StartsWith("//", StringComparison.Ordinal) || (scheme > 0 && url[..scheme].All(char.IsAsciiLetterOrDigit)))
        {
            var start = url.StartsWith("//", StringComparison.Ordinal) ? 2 : scheme + 3;
            var end = url.IndexOfAny(['/', '?', '#'], start);
            host = end < 0 ? url[start..] : url[start..end];
            rest = end < 0 ? "" : url[end..];
        }
        else
        {
            host = "";
            rest = url;
        }

        var sameHost = host.Length == 0 || string.Equals(host, backendHost, StringComparison.OrdinalIgnoreCase)
            || string.Equals(host, requestHost, StringComparison.OrdinalIgnoreCase);
        if (!sameHost || !rest.StartsWith('/'))
        {
            return url;
        }

        // A link to the caller's own host keeps its scheme and host; a backend link becomes a path on the API server.
        var keep = host.Length > 0 && string.Equals(host, requestHost, StringComparison.OrdinalIgnoreCase) ? url[..^rest.Length] : "";
        var pathEnd = rest.IndexOfAny(['?', '#']);
        var path = pathEnd < 0 ? rest : rest[..pathEnd];
        if (path == prefix || path.StartsWith(prefix + "/", StringComparison.Ordinal))
        {
            return keep + rest;
        }

        return keep + prefix.TrimEnd('/') + rest;
    }

    /// <summary>The page with its URL attributes rewritten; the rest of the markup as it was.</summary>
    public string RewriteHtml(string html)
    {
        var document = new HtmlDocument { OptionOutputOriginalCase = true };
        document.LoadHtml(html);
        var changed = false;
        foreach (var element in document.DocumentNode.Descendants().Where(n => n.NodeType == HtmlNodeType.Element))
        {
            if (!UrlAttributes.TryGetValue(element.Name, out var names))
            {
                continue;
            }

            foreach (var attribute in element.Attributes.Where(a => names.Contains(a.Name, StringComparer.OrdinalIgnoreCase)))
            {
                var value = attribute.Value ?? "";
                var rewritten = Rewrite(value);
                if (rewritten != value)
                {
                    attribute.Value = rewritten;
                    changed = true;
                }
            }
        }

        return changed ? document.DocumentNode.OuterHtml : html;
    }
}
