using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace LocalKube.Node.ApiServer.Rest;

/// <summary>What the client accepts, chosen from its Accept header in order (kubectl-protocol §4).</summary>
public enum OutputKind
{
    /// <summary>Plain objects and lists.</summary>
    Json,

    /// <summary><c>meta.k8s.io Table</c>.</summary>
    Table,

    /// <summary><c>PartialObjectMetadata</c> (and its list).</summary>
    PartialMetadata,
}

/// <summary>The negotiated response format.</summary>
/// <param name="Kind">Objects, Table or PartialObjectMetadata.</param>
/// <param name="MetaVersion">The meta.k8s.io version asked for (<c>v1</c> or <c>v1beta1</c>).</param>
public sealed record OutputFormat(OutputKind Kind, string MetaVersion)
{
    /// <summary>Plain JSON.</summary>
    public static OutputFormat Json { get; } = new(OutputKind.Json, "v1");

    /// <summary>The response Content-Type.</summary>
    public string ContentType => Kind switch
    {
        OutputKind.Table => $"application/json;as=Table;v={MetaVersion};g=meta.k8s.io",
        OutputKind.PartialMetadata => $"application/json;as=PartialObjectMetadata;v={MetaVersion};g=meta.k8s.io",
        _ => "application/json",
    };

    /// <summary>Picks the first acceptable media range.</summary>
    /// <exception cref="StatusException">406 when nothing offered is served.</exception>
    public static OutputFormat Negotiate(StringValues accept)
    {
        if (StringValues.IsNullOrEmpty(accept) || !MediaTypeHeaderValue.TryParseList(accept, out var ranges) || ranges.Count == 0)
        {
            return Json;
        }

        foreach (var range in ranges)
        {
            var type = range.MediaType.Value?.ToLowerInvariant();
            if (type is "*/*" or "application/*")
            {
                return Json;
            }

            if (type != "application/json")
            {
                continue;
            }

            string? Param(string name) => range.Parameters.FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase))?.Value.Value;
            var @as = Param("as");
            if (@as is null)
            {
                return Json;
            }

            var version = Param("v") ?? "v1";
            if (Param("g") != "meta.k8s.io" || version is not ("v1" or "v1beta1"))
            {
                continue;
            }

            switch (@as)
            {
                case "Table":
                    return new OutputFormat(OutputKind.Table, version);
                case "PartialObjectMetadata" or "PartialObjectMetadataList":
                    return new OutputFormat(OutputKind.PartialMetadata, version);
            }
        }

        throw StatusException.NotAcceptable();
    }

    /// <summary>The includeObject policy of Table rows: None, Metadata (default) or Object.</summary>
    public static string IncludeObject(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var value = request.Query["includeObject"].ToString();
        return value switch
        {
            "" => "Metadata",
            "None" or "Metadata" or "Object" => value,
            _ => throw StatusException.BadRequest($"includeObject: Unsupported value: \"{value}\": supported values: \"None\", \"Metadata\", \"Object\""),
        };
    }
}
