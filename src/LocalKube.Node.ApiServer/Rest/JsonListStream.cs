using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace LocalKube.Node.ApiServer.Rest;

/// <summary>
/// Streams a JSON list page into the response: the stored values go straight into the body with their
/// resourceVersion spliced in, flushed in chunks, so a 10,000-object list never sits whole in one buffer.
/// The bytes are those <see cref="ResponseWriter.List"/> renders.
/// </summary>
internal static class JsonListStream
{
    // Large enough that flushes are few, small enough to stay out of the large object heap's way.
    private const int FlushBytes = 64 * 1024;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        SkipValidation = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static async Task WriteAsync(HttpContext context, RestResource resource, ListResult list, string contentType, CancellationToken ct)
    {
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = contentType;
        var body = response.BodyWriter;
        using (var json = new Utf8JsonWriter(body, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("kind", resource.ListKind);
            json.WriteString("apiVersion", resource.ApiVersion);
            ResponseWriter.WriteListMeta(json, list.Revision.ToString(CultureInfo.InvariantCulture), list.Continue, list.RemainingItemCount);
            json.WriteStartArray("items");
        }

        long pending = 0;
        for (var i = 0; i < list.Items.Count; i++)
        {
            var item = list.Items[i];
            if (i > 0)
            {
                body.GetSpan(1)[0] = (byte)',';
                body.Advance(1);
            }

            ObjectCodec.AppendWithResourceVersion(body, item.Raw.Span, item.ModRevision);
            pending += item.Raw.Length;
            if (pending >= FlushBytes)
            {
                pending = 0;
                await body.FlushAsync(ct);
            }
        }

        "]}"u8.CopyTo(body.GetSpan(2));
        body.Advance(2);
        await body.FlushAsync(ct);
    }
}
