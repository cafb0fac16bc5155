using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using LocalKube.Node.ApiServer.Protobuf;

namespace LocalKube.Node.ApiServer.Rest;

/// <summary>
/// Response bodies in <c>application/vnd.kubernetes.protobuf</c>, from the JSON the machinery already has: objects and
/// lists in the envelope (magic + runtime.Unknown), PartialObjectMetadata(List), Status, and watch events framed as
/// upstream's watch stream does (a 4-byte big-endian length, then a raw meta.v1.WatchEvent whose object is an
/// enveloped object).
/// </summary>
public static class ProtobufResponses
{
    private const string MetaApiVersion = "meta.k8s.io/v1";

    /// <summary>An object in the envelope, from its JSON (resourceVersion included).</summary>
    public static byte[] Object(string apiVersion, string kind, ReadOnlySpan<byte> json)
    {
        using var document = Parse(json);
        return KubeProtobuf.Encode(document.RootElement, apiVersion, kind);
    }

    /// <summary>A PartialObjectMetadata (only the object's metadata), from the object's JSON.</summary>
    public static byte[] Partial(ReadOnlySpan<byte> json)
    {
        using var document = Parse(json);
        return KubeProtobuf.Envelope(MetaApiVersion, "PartialObjectMetadata", PartialMessage(document.RootElement));
    }

    /// <summary>A list page: <c>&lt;Kind&gt;List</c> of full objects, or PartialObjectMetadataList.</summary>
    public static byte[] List(RestResource resource, ListResult list, bool partial)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(list);
        var item = partial ? null : KubeSchema.ForKind(resource.ApiVersion, resource.Kind) ?? throw StatusException.NotAcceptable();
        var output = new WireWriter(4096);
        output.Tag(1, WireType.LengthDelimited);
        output.Bytes(ListMeta(list.Revision.ToString(CultureInfo.InvariantCulture), list.Continue, list.RemainingItemCount));
        foreach (var stored in list.Items)
        {
            using var document = Parse(ObjectCodec.WithResourceVersion(stored.Raw.Span, stored.ModRevision));
            output.Tag(2, WireType.LengthDelimited);
            output.Bytes(item is null ? PartialMessage(document.RootElement) : ProtobufWriter.Write(item, document.RootElement));
        }

        return partial
            ? KubeProtobuf.Envelope(MetaApiVersion, "PartialObjectMetadataList", output.Written)
            : KubeProtobuf.Envelope(resource.ApiVersion, resource.ListKind, output.Written);
    }

    /// <summary>A Status, from its JSON.</summary>
    public static byte[] Status(ReadOnlySpan<byte> json)
    {
        using var document = Parse(json);
        return KubeProtobuf.Encode(document.RootElement, "v1", "Status");
    }

    /// <summary>One watch event frame around an already enveloped object.</summary>
    public static byte[] WatchEvent(string type, ReadOnlySpan<byte> envelopedObject)
    {
        var rawExtension = new WireWriter(envelopedObject.Length + 8);
        rawExtension.Tag(1, WireType.LengthDelimited);
        rawExtension.Bytes(envelopedObject);
        var evt = new WireWriter(envelopedObject.Length + 32);
        evt.Tag(1, WireType.LengthDelimited);
        evt.String(type);
        evt.Message(2, rawExtension);
        var frame = new byte[4 + evt.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)evt.Length);
        evt.Written.CopyTo(frame.AsSpan(4));
        return frame;
    }

    private static byte[] PartialMessage(JsonElement obj)
    {
        var partial = KubeSchema.Find(KubeSchema.Meta + ".PartialObjectMetadata")!;
        using var metadataOnly = JsonDocument.Parse(obj.TryGetProperty("metadata", out var meta) ? $"{{\"metadata\":{meta.GetRawText()}}}" : "{}");
        return ProtobufWriter.Write(partial, metadataOnly.RootElement);
    }

    private static byte[] ListMeta(string? resourceVersion, string? next, long? remaining)
    {
        var meta = KubeSchema.Find(KubeSchema.Meta + ".ListMeta")!;
        var json = ResponseWriter.Render(writer =>
        {
            writer.WriteStartObject();
            if (!string.IsNullOrEmpty(resourceVersion))
            {
                writer.WriteString("resourceVersion", resourceVersion);
            }

            if (!string.IsNullOrEmpty(next))
            {
                writer.WriteString("continue", next);
            }

            if (remaining is > 0)
            {
                writer.WriteNumber("remainingItemCount", remaining.Value);
            }

            writer.WriteEndObject();
        });
        using var document = JsonDocument.Parse(json);
        return ProtobufWriter.Write(meta, document.RootElement);
    }

    private static JsonDocument Parse(ReadOnlySpan<byte> json) =>
        JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = ObjectCodec.MaxDepth });
}
