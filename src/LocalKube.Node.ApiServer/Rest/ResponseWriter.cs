using System.Buffers;
using System.Globalization;
using System.Text.Json;
using k8s;
using k8s.Models;
using LocalKube.Node.ApiServer.Http;
using LocalKube.Node.ApiServer.Protobuf;
using Microsoft.AspNetCore.Http;

namespace LocalKube.Node.ApiServer.Rest;

/// <summary>
/// Renders objects, lists, Tables and PartialObjectMetadata(List) JSON. Lists copy stored values verbatim with the
/// resourceVersion spliced in; Tables embed each row's object with kind and apiVersion (kubectl needs both).
/// </summary>
public static class ResponseWriter
{
    // Larger buffers (big lists) are left to the GC rather than held by a thread.
    private const int KeptBufferBytes = 256 * 1024;

    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _buffer;

    /// <summary>Sends a finished body.</summary>
    public static async Task SendAsync(HttpContext context, int status, string contentType, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, cancellationToken);
    }

    /// <summary>Renders one object in the negotiated format.</summary>
    public static byte[] Object(RestResource resource, IKubernetesObject<V1ObjectMeta> obj, OutputFormat format, string includeObject, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(format);
        if (format.Protobuf)
        {
            var json = ObjectCodec.ToBytes(obj);
            return format.Kind == OutputKind.PartialMetadata ? ProtobufResponses.Partial(json) : ProtobufResponses.Object(resource.ApiVersion, resource.Kind, json);
        }

        return Render(json =>
        {
            switch (format.Kind)
            {
                case OutputKind.Table:
                    WriteTable(json, resource, [obj], format, includeObject, now, obj.Metadata.ResourceVersion, null, null, withColumns: true);
                    break;
                case OutputKind.PartialMetadata:
                    WritePartial(json, obj, format.MetaVersion);
                    break;
                default:
                    JsonSerializer.Serialize(json, obj, obj.GetType(), ObjectCodec.Options);
                    break;
            }
        });
    }

    /// <summary>Renders a list page in the negotiated format.</summary>
    public static byte[] List(RestResource resource, ListResult list, OutputFormat format, string includeObject, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(format);
        if (format.Protobuf)
        {
            return ProtobufResponses.List(resource, list, format.Kind == OutputKind.PartialMetadata);
        }

        return Render(json =>
        {
            var rv = list.Revision.ToString(CultureInfo.InvariantCulture);
            switch (format.Kind)
            {
                case OutputKind.Table:
                    WriteTable(json, resource, list.Items.Select(i => i.Object).ToList(), format, includeObject, now, rv, list.Continue, list.RemainingItemCount, withColumns: true);
                    return;
                case OutputKind.PartialMetadata:
                    json.WriteStartObject();
                    json.WriteString("kind", "PartialObjectMetadataList");
                    json.WriteString("apiVersion", "meta.k8s.io/" + format.MetaVersion);
                    WriteListMeta(json, rv, list.Continue, list.RemainingItemCount);
                    json.WriteStartArray("items");
                    foreach (var item in list.Items)
                    {
                        WritePartial(json, item.Object, format.MetaVersion);
                    }

                    json.WriteEndArray();
                    json.WriteEndObject();
                    return;
                default:
                    json.WriteStartObject();
                    json.WriteString("kind", resource.ListKind);
                    json.WriteString("apiVersion", resource.ApiVersion);
                    WriteListMeta(json, rv, list.Continue, list.RemainingItemCount);
                    json.WriteStartArray("items");
                    foreach (var item in list.Items)
                    {
                        ObjectCodec.WriteWithResourceVersion(json, item.Raw.Span, item.ModRevision);
                    }

                    json.WriteEndArray();
                    json.WriteEndObject();
                    return;
            }
        });
    }

    /// <summary>A Status in the negotiated format (protobuf when the client prefers it).</summary>
    public static (string ContentType, byte[] Body) Status(OutputFormat format, byte[] json) =>
        format.Protobuf ? (KubeProtobuf.MediaType, ProtobufResponses.Status(json)) : (ApiStatus.ContentType, json);

    /// <summary>Writes a Table (one row per object).</summary>
    public static void WriteTable(
        Utf8JsonWriter json, RestResource resource, IReadOnlyList<IKubernetesObject<V1ObjectMeta>> objects, OutputFormat format,
        string includeObject, DateTimeOffset now, string? resourceVersion, string? next, long? remaining, bool withColumns)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(resource);
        json.WriteStartObject();
        json.WriteString("kind", "Table");
        json.WriteString("apiVersion", "meta.k8s.io/" + format.MetaVersion);
        WriteListMeta(json, resourceVersion, next, remaining);
        var columns = resource.Strategy.Columns;
        if (withColumns)
        {
            json.WriteStartArray("columnDefinitions");
            foreach (var c in columns)
            {
                json.WriteStartObject();
                json.WriteString("name", c.Name);
                json.WriteString("type", c.Type);
                json.WriteString("format", c.Format);
                json.WriteString("description", c.Description);
                json.WriteNumber("priority", c.Priority);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteStartArray("rows");
        foreach (var obj in objects)
        {
            json.WriteStartObject();
            json.WriteStartArray("cells");
            foreach (var cell in resource.Strategy.Cells(obj, now))
            {
                JsonSerializer.Serialize(json, cell, cell?.GetType() ?? typeof(object), ObjectCodec.Options);
            }

            json.WriteEndArray();
            if (includeObject == "Object")
            {
                json.WritePropertyName("object");
                JsonSerializer.Serialize(json, obj, obj.GetType(), ObjectCodec.Options);
            }
            else if (includeObject == "Metadata")
            {
                json.WritePropertyName("object");
                WritePartial(json, obj, format.MetaVersion);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>Writes <c>{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{...}}</c>.</summary>
    public static void WritePartial(Utf8JsonWriter json, IKubernetesObject<V1ObjectMeta> obj, string metaVersion)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(obj);
        json.WriteStartObject();
        json.WriteString("kind", "PartialObjectMetadata");
        json.WriteString("apiVersion", "meta.k8s.io/" + metaVersion);
        json.WritePropertyName("metadata");
        JsonSerializer.Serialize(json, obj.Metadata, ObjectCodec.Options);
        json.WriteEndObject();
    }

    /// <summary>Runs <paramref name="write"/> into a fresh buffer.</summary>
    public static byte[] Render(Action<Utf8JsonWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);

        // Every watch event of every watcher is rendered here: a buffer kept per thread (taken while in use, so a
        // nested render gets its own) saves growing a fresh one through 1, 2, 4 and 8 KiB for each pod.
        var buffer = _buffer ?? new ArrayBufferWriter<byte>(16 * 1024);
        _buffer = null;
        try
        {
            using (var json = new Utf8JsonWriter(buffer, WriterOptions))
            {
                write(json);
            }

            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            if (buffer.Capacity <= KeptBufferBytes)
            {
                buffer.ResetWrittenCount();
                _buffer = buffer;
            }
        }
    }

    /// <summary>Writes a list's <c>metadata</c> (resourceVersion, continue, remainingItemCount).</summary>
    internal static void WriteListMeta(Utf8JsonWriter json, string? resourceVersion, string? next, long? remaining)
    {
        json.WriteStartObject("metadata");
        if (!string.IsNullOrEmpty(resourceVersion))
        {
            json.WriteString("resourceVersion", resourceVersion);
        }

        if (!string.IsNullOrEmpty(next))
        {
            json.WriteString("continue", next);
        }

        if (remaining is > 0)
        {
            json.WriteNumber("remainingItemCount", remaining.Value);
        }

        json.WriteEndObject();
    }
}
