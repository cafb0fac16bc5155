namespace LocalKube.Dashboard.Watch;

/// <summary>
/// One list+watch the page asked for: a collection path (<c>/api/v1/pods</c>, <c>/apis/apps/v1/namespaces/web/deployments</c>),
/// optional selectors, and whether rows come as server-printed Table rows (kubectl's columns) or as whole objects.
/// </summary>
public sealed record WatchRequest(string Path, bool Table, string? LabelSelector = null, string? FieldSelector = null)
{
    /// <summary>
    /// True for collection paths of the core and named groups only: the page cannot use the watch channel to reach
    /// anything else on the API server (subresources, proxies, health).
    /// </summary>
    public bool IsValid()
    {
        if (string.IsNullOrEmpty(Path) || Path.Length > 512 || Path.Contains("..", StringComparison.Ordinal) || Path.Contains('?', StringComparison.Ordinal))
        {
            return false;
        }

        var parts = Path.Split('/');
        // "", "api", v, [namespaces, ns], resource   or   "", "apis", group, v, [namespaces, ns], resource
        var (prefix, minimum) = parts.Length > 1 && parts[1] == "api" ? (3, 4) : parts.Length > 1 && parts[1] == "apis" ? (4, 5) : (0, 0);
        if (prefix == 0 || parts[0] != "" || parts.Any(p => p.Length == 0 && p != parts[0]))
        {
            return false;
        }

        var rest = parts.Length - prefix;
        return parts.Length >= minimum && (rest == 1 || (rest == 3 && parts[prefix] == "namespaces"));
    }

    /// <summary>The query string for a list or watch with these selectors.</summary>
    public string Query(params (string Key, string? Value)[] extra)
    {
        var pairs = new List<string>();
        if (!string.IsNullOrEmpty(LabelSelector))
        {
            pairs.Add("labelSelector=" + Uri.EscapeDataString(LabelSelector));
        }

        if (!string.IsNullOrEmpty(FieldSelector))
        {
            pairs.Add("fieldSelector=" + Uri.EscapeDataString(FieldSelector));
        }

        foreach (var (key, value) in extra)
        {
            if (value is not null)
            {
                pairs.Add(key + "=" + Uri.EscapeDataString(value));
            }
        }

        return pairs.Count == 0 ? "" : "?" + string.Join('&', pairs);
    }
}
