using System.Text.Json.Serialization;

namespace LocalKube.Cli.Output;

/// <summary>The CloudEvents 1.0 envelope of a JSON progress line.</summary>
public sealed record CloudEvent(
    [property: JsonPropertyName("specversion")] string SpecVersion,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("datacontenttype")] string DataContentType,
    [property: JsonPropertyName("data")] Dictionary<string, string> Data);
