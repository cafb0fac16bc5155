using System.Globalization;

namespace LocalKube.Node.ApiServer.OpenApi;

/// <summary>Negotiation of <see cref="SwaggerMediaType"/>.</summary>
internal static class SwaggerMediaTypes
{
    /// <summary>The Content-Type of a protobuf answer (upstream answers the current name whichever was asked).</summary>
    public const string ProtobufContentType = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

    private static readonly (string SubType, SwaggerMediaType Type)[] Offered =
    [
        ("json", SwaggerMediaType.Json),
        ("com.github.proto-openapi.spec.v2@v1.0+protobuf", SwaggerMediaType.Protobuf),
        ("com.github.proto-openapi.spec.v2.v1.0+protobuf", SwaggerMediaType.Protobuf),
    ];

    /// <summary>The type served for an Accept header value.</summary>
    public static SwaggerMediaType Negotiate(string? accept)
    {
        // By hand: '@' is not a valid token character for the framework's media type parser.
        var clauses = new List<(string Type, string SubType, double Q, int Order)>();
        foreach (var part in (string.IsNullOrWhiteSpace(accept) ? "*/*" : accept).Split(','))
        {
            var pieces = part.Split(';');
            var range = pieces[0].Trim();
            var slash = range.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0)
            {
                continue;
            }

            var q = 1.0;
            foreach (var parameter in pieces.Skip(1))
            {
                var pair = parameter.Split('=', 2, StringSplitOptions.TrimEntries);
                if (pair.Length == 2 && pair[0] == "q" && double.TryParse(pair[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
                {
                    q = parsed;
                }
            }

            if (q > 0)
            {
                clauses.Add((range[..slash], range[(slash + 1)..], q, clauses.Count));
            }
        }

        foreach (var (type, subType, _, _) in clauses.OrderByDescending(c => c.Q).ThenBy(c => c.Type == "*").ThenBy(c => c.SubType == "*").ThenBy(c => c.Order))
        {
            if (type != "application" && type != "*")
            {
                continue;
            }

            foreach (var (offered, served) in Offered)
            {
                if (subType == "*" || string.Equals(subType, offered, StringComparison.OrdinalIgnoreCase))
                {
                    return served;
                }
            }
        }

        return SwaggerMediaType.None;
    }
}
