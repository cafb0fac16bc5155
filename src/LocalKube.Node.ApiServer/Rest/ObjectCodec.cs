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

        var size = SplicedLength(json, insertAt, revision);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(size);
        try
        {
            Splice(json, insertAt, revision, buffer);
            writer.WriteRawValue(buffer.AsSpan(0, size), skipInputValidation: true);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Appends stored <paramref name="json"/> with <c>metadata.resourceVersion</c> set straight to
    /// <paramref name="output"/> (no intermediate copy): the same bytes <see cref="WriteWithResourceVersion"/> writes.
    /// </summary>
    public static void AppendWithResourceVersion(System.Buffers.IBufferWriter<byte> output, ReadOnlySpan<byte> json, long revision)
    {
        ArgumentNullException.ThrowIfNull(output);
        var insertAt = FindMetadataStart(json);
        if (insertAt < 0)
        {
            System.Buffers.BuffersExtensions.Write(output, json);
            return;
        }

        var size = SplicedLength(json, insertAt, revision);
        Splice(json, insertAt, revision, output.GetSpan(size));
        output.Advance(size);
    }

    /// <summary>
    /// The string labels of stored JSON's <c>metadata.labels</c> (null when absent), read without decoding the object.
    /// </summary>
    public static IDictionary<string, string>? ReadLabels(ReadOnlySpan<byte> json)
    {
        var insertAt = FindMetadataStart(json);
        if (insertAt < 0)
        {
            return null;
        }

        // From the metadata object's '{': scan its properties for "labels"; what follows the object is never read.
        var reader = new Utf8JsonReader(json[(insertAt - 1)..], new JsonReaderOptions { MaxDepth = MaxDepth });
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isLabels = reader.ValueTextEquals("labels"u8);
            reader.Read();
            if (!isLabels)
            {
                reader.Skip();
                continue;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            var labels = new Dictionary<string, string>();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = reader.GetString()!;
                reader.Read();
                labels[key] = reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new JsonException("a label value is not a string");
            }

            return labels;
        }

        return null;
    }

    // "resourceVersion":"<revision>" plus a comma unless the metadata object is empty.
    private static int SplicedLength(ReadOnlySpan<byte> json, int insertAt, long revision) =>
        json.Length + "\"resourceVersion\":\"\"".Length + Digits(revision) + (json[insertAt] == (byte)'}' ? 0 : 1);

    private static void Splice(ReadOnlySpan<byte> json, int insertAt, long revision, Span<byte> buffer)
    {
        json[..insertAt].CopyTo(buffer);
        var at = insertAt;
        "\"resourceVersion\":\""u8.CopyTo(buffer[at..]);
        at += "\"resourceVersion\":\""u8.Length;
        System.Buffers.Text.Utf8Formatter.TryFormat(revision, buffer[at..], out var written);
        at += written;
        buffer[at++] = (byte)'"';
        if (json[insertAt] != (byte)'}')
        {
            buffer[at++] = (byte)',';
        }

        json[insertAt..].CopyTo(buffer[at..]);
    }

    private static int Digits(long value)
    {
        var digits = value < 0 ? 2 : 1;
        for (var v = Math.Abs(value); v >= 10; v /= 10)
        {
            digits++;
        }

        return digits;
    }

    /// <summary>Stored JSON with the resource version set, as bytes.</summary>
    public static byte[] WithResourceVersion(ReadOnlySpan<byte> json, long revision)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(json.Length + 48);
        AppendWithResourceVersion(buffer, json, revision);
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
        var options = new JsonSerializerOptions(captured ?? throw new InvalidOperationException("KubernetesJson options unavailable"))
        {
            MaxDepth = MaxDepth,
        };

        // Ahead of the type's own converter: quantities are read (and refused) as Go reads them.
        options.Converters.Insert(0, new GoQuantityConverter());
        return options;
    }
}
