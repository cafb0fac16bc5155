using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LocalKube.Node.ApiServer.Rest;

public sealed partial class RestHandler
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    private async Task WatchAsync(HttpContext context, RestResource resource, RestPath path, CancellationToken ct)
    {
        var request = context.Request;
        var format = Negotiate(request, resource);
        var include = format.Kind == OutputKind.Table ? OutputFormat.IncludeObject(request) : "Metadata";
        var options = ParseListOptions(request, resource);
        var bookmarks = request.Query["allowWatchBookmarks"] == "true";
        var initialEvents = request.Query["sendInitialEvents"] == "true";
        var timeout = request.Query["timeoutSeconds"].ToString() is { Length: > 0 } t && long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromSeconds(1800 + Random.Shared.Next(1800)); // upstream: a random 30-60 minutes

        // A stopping server ends its watches (clients re-watch), as upstream's does: Kestrel's graceful stop would
        // otherwise wait its whole budget for streams that never end on their own.
        var stopping = context.RequestServices.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(ct, stopping);
        lifetime.CancelAfter(timeout);
        var events = _store.WatchAsync(resource, path.Namespace, options, initialEvents, lifetime.Token).GetAsyncEnumerator(lifetime.Token);
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = format.WatchContentType;
        await response.StartAsync(ct);

        // Kestrel holds the headers until the first body flush; clients (client-go, KubernetesClient) wait for them
        // before they treat the watch as established, so send them now as upstream does.
        await response.Body.FlushAsync(ct);
        var first = true;
        long lastRevision = ResourceStore.ParseRevision(options.ResourceVersion);
        Task<bool>? pending = null;
        try
        {
            while (true)
            {
                pending ??= events.MoveNextAsync().AsTask();
                if (bookmarks && !pending.IsCompleted)
                {
                    using var tick = CancellationTokenSource.CreateLinkedTokenSource(lifetime.Token);
                    var delay = Task.Delay(BookmarkInterval, _time, tick.Token);
                    if (await Task.WhenAny(pending, delay) == delay)
                    {
                        await WriteEventAsync(response, Bookmark(resource, lastRevision, false, format), ct);
                        continue;
                    }

                    await tick.CancelAsync();
                }

                if (!await pending)
                {
                    return;
                }

                pending = null;
                var evt = events.Current;
                lastRevision = Math.Max(lastRevision, evt.Revision);
                byte[]? line = evt.Type switch
                {
                    "SYNC" or "PROGRESS" => null,
                    "BOOKMARK" when bookmarks || evt.InitialEventsEnd => Bookmark(resource, evt.Revision, evt.InitialEventsEnd, format),
                    "BOOKMARK" => null,
                    "ERROR" => ErrorEvent(evt.Error!, format),
                    _ when format.Protobuf => ProtobufResponses.WatchEvent(evt.Type, ProtobufWatchObject(resource, evt, format)),
                    _ => Event(evt.Type, json => WriteWatchObject(json, resource, evt, format, include, first)),
                };
                if (line is null)
                {
                    continue;
                }

                first &= evt.Type is "ERROR" or "BOOKMARK";
                await WriteEventAsync(response, line, ct);
            }
        }
        catch (Exception) when (lifetime.IsCancellationRequested)
        {
            // Timeout or client gone (the store may report it as its own cancellation error): end the stream
            // cleanly; kubectl get -w exits 0 on a closed stream.
        }
        catch (Exception e) when (e is StatusException or Grpc.Core.RpcException or InvalidOperationException)
        {
            // Headers are out: the failure travels as an ERROR event, as upstream's watch does.
            var error = e as StatusException ?? StatusException.Internal(e.Message);
            await WriteEventAsync(response, ErrorEvent(error, format), ct);
        }
        finally
        {
            await lifetime.CancelAsync();
            if (pending is not null)
            {
                try
                {
                    await pending;
                }
                catch (Exception)
                {
                    // Cancelled above (or already reported); only waiting for the enumerator to settle.
                }
            }

            await events.DisposeAsync();
        }
    }

    private void WriteWatchObject(Utf8JsonWriter json, RestResource resource, WatchEvent evt, OutputFormat format, string include, bool withColumns)
    {
        var stored = evt.Object!;
        switch (format.Kind)
        {
            case OutputKind.Table:
                ResponseWriter.WriteTable(json, resource, [stored.Object], format, include, _time.GetUtcNow(), stored.Object.Metadata.ResourceVersion, null, null, withColumns);
                break;
            case OutputKind.PartialMetadata:
                ResponseWriter.WritePartial(json, stored.Object, format.MetaVersion);
                break;
            default:
                ObjectCodec.WriteWithResourceVersion(json, stored.Raw.Span, stored.ModRevision);
                break;
        }
    }

    private static byte[] ProtobufWatchObject(RestResource resource, WatchEvent evt, OutputFormat format)
    {
        var stored = evt.Object!;
        var json = ObjectCodec.WithResourceVersion(stored.Raw.Span, stored.ModRevision);
        return format.Kind == OutputKind.PartialMetadata ? ProtobufResponses.Partial(json) : ProtobufResponses.Object(resource.ApiVersion, resource.Kind, json);
    }

    private static byte[] ErrorEvent(StatusException error, OutputFormat format)
    {
        var status = ResponseWriter.Render(json => StatusException.WriteStatus(json, error.Code, error.Reason, error.Message, error.Details));
        return format.Protobuf ? ProtobufResponses.WatchEvent("ERROR", ProtobufResponses.Status(status)) : Event("ERROR", json => json.WriteRawValue(status));
    }

    private static byte[] Bookmark(RestResource resource, long revision, bool initialEventsEnd, OutputFormat format)
    {
        var json = BookmarkObject(resource, revision, initialEventsEnd);
        if (!format.Protobuf)
        {
            return Event("BOOKMARK", writer => writer.WriteRawValue(json));
        }

        var envelope = format.Kind == OutputKind.PartialMetadata ? ProtobufResponses.Partial(json) : ProtobufResponses.Object(resource.ApiVersion, resource.Kind, json);
        return ProtobufResponses.WatchEvent("BOOKMARK", envelope);
    }

    private static byte[] BookmarkObject(RestResource resource, long revision, bool initialEventsEnd) => ResponseWriter.Render(json =>
    {
        json.WriteStartObject();
        json.WriteString("kind", resource.Kind);
        json.WriteString("apiVersion", resource.ApiVersion);
        json.WriteStartObject("metadata");
        json.WriteString("resourceVersion", revision.ToString(CultureInfo.InvariantCulture));
        if (initialEventsEnd)
        {
            json.WriteStartObject("annotations");
            json.WriteString("k8s.io/initial-events-end", "true");
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
    });

    private static byte[] Event(string type, Action<Utf8JsonWriter> writeObject) => ResponseWriter.Render(json =>
    {
        json.WriteStartObject();
        json.WriteString("type", type);
        json.WritePropertyName("object");
        writeObject(json);
        json.WriteEndObject();
    });

    private static async Task WriteEventAsync(HttpResponse response, byte[] line, CancellationToken ct)
    {
        // One flush per event: the line and its newline leave in one write (Body.WriteAsync flushes every call,
        // which cost a TLS record and a send per piece). Protobuf frames carry their own length, no newline.
        var body = response.BodyWriter;
        System.Buffers.BuffersExtensions.Write(body, line);
        if (!response.ContentType!.StartsWith(Protobuf.KubeProtobuf.MediaType, StringComparison.Ordinal))
        {
            System.Buffers.BuffersExtensions.Write(body, NewLine);
        }

        await body.FlushAsync(ct);
    }
}
