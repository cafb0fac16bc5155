using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace LocalKube.Node.ApiServer.Discovery;

/// <summary>
/// Picks the discovery format from the Accept header (kubectl-protocol §2.1): the highest-quality acceptable media
/// range wins, ties in header order. Aggregated discovery is <c>application/json</c> with the parameters
/// <c>g=apidiscovery.k8s.io</c>, <c>v=v2|v2beta1</c> and <c>as=APIGroupDiscoveryList</c>, in any order.
/// </summary>
public static class DiscoveryNegotiation
{
    /// <summary>The response Content-Type of aggregated v2 discovery; clients decide by it alone.</summary>
    public const string AggregatedV2ContentType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

    /// <summary>The response Content-Type of aggregated v2beta1 discovery.</summary>
    public const string AggregatedV2Beta1ContentType = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";

    /// <summary>Chooses a format for <paramref name="accept"/>; no header means legacy JSON.</summary>
    public static DiscoveryFormat Select(StringValues accept)
    {
        if (StringValues.IsNullOrEmpty(accept))
        {
            return DiscoveryFormat.Legacy;
        }

        if (!MediaTypeHeaderValue.TryParseList(accept, out var ranges) || ranges.Count == 0)
        {
            // Unparseable Accept: be lenient like upstream and answer JSON.
            return DiscoveryFormat.Legacy;
        }

        // OrderByDescending is stable, so equal qualities keep header order.
        foreach (var range in ranges.OrderByDescending(r => r.Quality ?? 1.0))
        {
            if (range.Quality is 0)
            {
                continue;
            }

            var format = Classify(range);
            if (format != DiscoveryFormat.NotAcceptable)
            {
                return format;
            }
        }

        return DiscoveryFormat.NotAcceptable;
    }

    private static DiscoveryFormat Classify(MediaTypeHeaderValue range)
    {
        var type = range.MediaType;
        if (type.Equals("*/*", StringComparison.OrdinalIgnoreCase) || type.Equals("application/*", StringComparison.OrdinalIgnoreCase))
        {
            return DiscoveryFormat.Legacy;
        }

        if (!type.Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return DiscoveryFormat.NotAcceptable;
        }

        string? g = null, v = null, @as = null;
        foreach (var p in range.Parameters)
        {
            var value = p.Value.HasValue ? HeaderUtilities.RemoveQuotes(p.Value).Value : null;
            switch (p.Name.Value?.ToLowerInvariant())
            {
                case "g": g = value; break;
                case "v": v = value; break;
                case "as": @as = value; break;
            }
        }

        if (@as is null && g is null && v is null)
        {
            return DiscoveryFormat.Legacy;
        }

        if (g == "apidiscovery.k8s.io" && @as == "APIGroupDiscoveryList")
        {
            return v switch
            {
                "v2" => DiscoveryFormat.AggregatedV2,
                "v2beta1" => DiscoveryFormat.AggregatedV2Beta1,
                _ => DiscoveryFormat.NotAcceptable,
            };
        }

        // Another "as" (e.g. Table) is not something discovery can produce.
        return DiscoveryFormat.NotAcceptable;
    }
}
