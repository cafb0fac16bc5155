using LocalKube.Node.ApiServer.Protobuf;
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
/// <param name="Protobuf">Whether the body is <c>application/vnd.kubernetes.protobuf</c> rather than JSON.</param>
public sealed record OutputFormat(OutputKind Kind, string MetaVersion, bool Protobuf = false)
{
    /// <summary>Plain JSON.</summary>
    public static OutputFormat Json { get; } = new(OutputKind.Json, "v1");

    /// <summary>Plain Kubernetes protobuf.</summary>
    public static OutputFormat Proto { get; } = new(OutputKind.Json, "v1", Protobuf: true);

    /// <summary>The response Content-Type.</summary>
    public string ContentType => (Kind, Protobuf) switch
    {
        (OutputKind.Table, _) => $"application/json;as=Table;v={MetaVersion};g=meta.k8s.io",
        (OutputKind.PartialMetadata, false) => $"application/json;as=PartialObjectMetadata;v={MetaVersion};g=meta.k8s.io",
        (OutputKind.PartialMetadata, true) => $"{KubeProtobuf.MediaType};as=PartialObjectMetadata;v={MetaVersion};g=meta.k8s.io",
        (_, true) => KubeProtobuf.MediaType,
        _ => "application/json",
    };

    /// <summary>The Content-Type of a watch stream in this format.</summary>
    public string WatchContentType => Protobuf ? KubeProtobuf.MediaType + ";stream=watch" : ContentType;

    /// <summary>
    /// Picks the response format as upstream does: the Accept entries by quality (q=0 never; ties keep their order),
    /// the first one served wins. JSON serves everything; protobuf serves objects and metadata (never Tables), and
    /// only for kinds with a protobuf schema (<paramref name="protobuf"/>), else the next entry is tried.
    /// </summary>
    /// <exception cref="StatusException">406 when nothing offered is served.</exception>
    public static OutputFormat Negotiate(StringValues accept, bool protobuf = true)
    {
        if (StringValues.IsNullOrEmpty(accept) || !MediaTypeHeaderValue.TryParseList(accept, out var parsed) || parsed.Count == 0)
        {
            return Json;
        }

        // A stable sort by quality: equal qualities keep the client's order.
        var ranges = parsed.Select((range, index) => (Range: range, Index: index, Quality: range.Quality ?? 1.0))
            .Where(r => r.Quality > 0)
            .OrderByDescending(r => r.Quality).ThenBy(r => r.Index)
            .Select(r => r.Range);
        foreach (var range in ranges)
        {
            if (Match(range, protobuf) is { } format)
            {
                return format;
            }
        }

        throw StatusException.NotAcceptable();
    }

    private static OutputFormat? Match(MediaTypeHeaderValue range, bool protobuf)
    {
        var type = range.MediaType.Value?.ToLowerInvariant();
        if (type is "*/*" or "application/*")
        {
            return Json;
        }

        var isProtobuf = type == KubeProtobuf.MediaType;
        if (type != "application/json" && !(isProtobuf && protobuf))
        {
            return null;
        }

        string? Param(string name) => range.Parameters.FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase))?.Value.Value;
        var @as = Param("as");
        if (@as is null)
        {
            return isProtobuf ? Proto : Json;
        }

        var version = Param("v") ?? "v1";
        if (Param("g") != "meta.k8s.io" || version is not ("v1" or "v1beta1"))
        {
            return null;
        }

        return @as switch
        {
            // Tables have no protobuf form upstream either.
            "Table" when !isProtobuf => new OutputFormat(OutputKind.Table, version),
            "PartialObjectMetadata" or "PartialObjectMetadataList" when !isProtobuf || version == "v1" => new OutputFormat(OutputKind.PartialMetadata, version, isProtobuf),
            _ => null,
        };
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
