using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace LocalKube.Node.ApiServer.Rest;

/// <summary>
/// JSON for stored and served objects: KubernetesClient's own serializer settings (its date and quantity converters),
/// with a nesting limit so a hostile body is a clean 400 instead of a stack overflow. Stored values carry no
/// <c>resourceVersion</c>: it is the key's mod revision, spliced in on the way out (as upstream's etcd3 store does).
/// </summary>
public static class ObjectCodec
{
    /// <summary>Deepest JSON accepted in a request body.</summary>
    public const int MaxDepth = 100;

    private static readonly JsonSerializerOptions Shared = CreateOptions();

    /// <summary>The serializer settings (KubernetesJson's, with <see cref="MaxDepth"/>).</summary>
    public static JsonSerializerOptions Options => Shared;

    /// <summary>Options for <see cref="JsonNode.Parse(string, JsonNodeOptions?, JsonDocumentOptions)"/> of request bodies.</summary>
    public static JsonDocumentOptions DocumentOptions { get; } = new() { MaxDepth = MaxDepth };

    /// <summary>Decodes a typed object from <paramref name="node"/>.</summary>
    public static IKubernetesObject<V1ObjectMeta> ToObject(JsonNode node, Type type) =>
        (IKubernetesObject<V1ObjectMeta>)(node.Deserialize(type, Shared) ?? throw new JsonException("null object"));

    /// <summary>Decodes a typed object from UTF-8 JSON.</summary>
    public static IKubernetesObject<V1ObjectMeta> ToObject(ReadOnlySpan<byte> json, Type type) =>
        (IKubernetesObject<V1ObjectMeta>)(JsonSerializer.Deserialize(json, type, Shared) ?? throw new JsonException("null object"));

    /// <summary>Encodes a typed object as UTF-8 JSON.</summary>
    public static byte[] ToBytes(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Shared);

    /// <summary>Encodes a typed object as a mutable JSON tree.</summary>
    public static JsonObject ToNode(object obj) =>
        JsonSerializer.SerializeToNode(obj, obj.GetType(), Shared) as JsonObject ?? throw new JsonException("not an object");

    /// <summary>Parses UTF-8 JSON into a mutable tree.</summary>
    public static JsonObject ParseObject(ReadOnlySpan<byte> json) =>
        JsonNode.Parse(json, documentOptions: DocumentOptions) as JsonObject ?? throw new JsonException("the JSON value is not an object");

    /// <summary>
    /// Writes stored <paramref name="json"/> with <c>metadata.resourceVersion</c> set to <paramref name="revision"/>,
    /// without re-serializing the object: the value is copied verbatim around the inserted property.
    /// </summary>
    public static void WriteWithResourceVersion(Utf8JsonWriter writer, ReadOnlySpan<byte> json, long revision)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var insertAt = FindMetadataStart(json);
        if (insertAt < 0)
        {
            writer.WriteRawValue(json, skipInputValidation: true);
            return;
        }

        var rv = System.Text.Encoding.UTF8.GetBytes($"\"resourceVersion\":\"{revision}\"");
        var empty = json[insertAt] == (byte)'}';
        var size = json.Length + rv.Length + (empty ? 0 : 1);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(size);
        try
        {
            json[..insertAt].CopyTo(buffer);
            rv.CopyTo(buffer.AsSpan(insertAt));
            var at = insertAt + rv.Length;
            if (!empty)
            {
                buffer[at++] = (byte)',';
            }

            json[insertAt..].CopyTo(buffer.AsSpan(at));
            writer.WriteRawValue(buffer.AsSpan(0, size), skipInputValidation: true);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Stored JSON with the resource version set, as bytes.</summary>
    public static byte[] WithResourceVersion(ReadOnlySpan<byte> json, long revision)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(json.Length + 32);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteWithResourceVersion(writer, json, revision);
        }

        return buffer.WrittenSpan.ToArray();
    }

    // The offset just after the '{' of the top-level "metadata" object, or -1. Stored values are written by us (no
    // whitespace, metadata always an object), so a token scan at depth 1 is enough.
    private static int FindMetadataStart(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return -1;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isMetadata = reader.ValueTextEquals("metadata"u8);
            reader.Read();
            if (isMetadata && reader.TokenType == JsonTokenType.StartObject)
            {
                return (int)reader.BytesConsumed;
            }

            reader.Skip();
        }

        return -1;
    }

    private static JsonSerializerOptions CreateOptions()
    {
        JsonSerializerOptions? captured = null;

        // KubernetesJson keeps its configured options private; AddJsonOptions hands them to the callback.
        KubernetesJson.AddJsonOptions(o => captured = o);
        return new JsonSerializerOptions(captured ?? throw new InvalidOperationException("KubernetesJson options unavailable"))
        {
            MaxDepth = MaxDepth,
        };
    }
}
