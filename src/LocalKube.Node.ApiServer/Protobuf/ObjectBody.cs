using System.Text.Json.Nodes;
using LocalKube.Node.ApiServer.Rest;

namespace LocalKube.Node.ApiServer.Protobuf;

/// <summary>
/// The seam where object bodies (create, update, subresources such as scale, token and reviews) become JSON:
/// JSON is parsed, Kubernetes protobuf is decoded into the same JSON, anything else is a 415.
/// </summary>
public static class ObjectBody
{
    /// <summary>Whether <paramref name="mediaType"/> (lower case, no parameters) carries an object we can read.</summary>
    public static bool Accepts(string mediaType) => mediaType is "application/json" or "" or KubeProtobuf.MediaType;

    /// <summary>Parses <paramref name="body"/> sent as <paramref name="mediaType"/>.</summary>
    /// <param name="duplicates">For JSON: the repeated keys when the caller already found them.</param>
    /// <exception cref="StatusException">400 for a malformed body, 415 for a media type or protobuf kind we cannot read.</exception>
    public static JsonObject Parse(string mediaType, string? contentType, ReadOnlySpan<byte> body, IReadOnlyList<string>? duplicates = null) => mediaType switch
    {
        KubeProtobuf.MediaType => KubeProtobuf.Decode(body),
        "application/json" or "" => RequestBody.Parse(body, duplicates),
        _ => throw StatusException.UnsupportedMediaType(contentType ?? ""),
    };
}
