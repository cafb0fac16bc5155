using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using LocalKube.Dashboard.Upstream;
using Microsoft.Extensions.Logging;

namespace LocalKube.Dashboard.Watch;

/// <summary>
/// One list+watch on behalf of a page, as client-go's reflector does it:
/// <list type="number">
/// <item>list (paged, <c>limit=500</c>) and send the page a <c>sync</c> with every row and the list's resourceVersion;</item>
/// <item>watch from that resourceVersion with bookmarks, forwarding each event;</item>
/// <item>when the watch ends (server timeout, dropped connection) watch again from the last resourceVersion seen;</item>
/// <item>on 410 Gone / Expired, list again and send a new <c>sync</c>, which the page swaps in whole, so the list never flashes empty.</item>
/// </list>
/// Connection failures back off (¼ s doubling to 2 s) and tell <see cref="ClusterHealth"/>, which shows the banner.
/// </summary>
public sealed partial class ListWatch(string id, WatchRequest request, KubeApi api, ClusterHealth health, IWatchSink sink, ILogger logger)
{
    private const int PageSize = 500;
    private static readonly TimeSpan ListTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(2);

    private string? _resourceVersion;

    /// <summary>How many times this watch listed (1 + relists); tests read it.</summary>
    public int Lists { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromMilliseconds(250);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (_resourceVersion is null)
                {
                    await ListAsync(cancellationToken);
                }

                await WatchAsync(cancellationToken);
                backoff = TimeSpan.FromMilliseconds(250);
            }
            catch (ApiStatusException e) when (e.IsExpired)
            {
                // Our resourceVersion fell out of the server's history: relist now.
                Log.Expired(logger, request.Path, _resourceVersion);
                _resourceVersion = null;
            }
            catch (ApiStatusException e) when (!e.IsTransient)
            {
                // Forbidden, not found, bad selector: retrying cannot help until something changes. Tell the page and
                // check again slowly (RBAC or a CRD may appear).
                sink.Send(ErrorMessage(e.Code, e.Reason, e.Message));
                _resourceVersion = null;
                if (!await DelayAsync(TimeSpan.FromSeconds(30), cancellationToken))
                {
                    return;
                }
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && IsConnectionFailure(e))
            {
                health.ReportFailure();
                Log.Retrying(logger, request.Path, ClusterHealth.Describe(e));
                if (!await DelayAsync(backoff, cancellationToken))
                {
                    return;
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    internal static bool IsConnectionFailure(Exception e) =>
        e is HttpRequestException or IOException or OperationCanceledException or JsonException
        || (e is ApiStatusException status && status.IsTransient);

    private async Task ListAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ListTimeout);
        var output = new ArrayBufferWriter<byte>(64 * 1024);
        string? resourceVersion = null;
        await using (var json = new Utf8JsonWriter(output))
        {
            json.WriteStartObject();
            json.WriteString("t", "sync");
            json.WriteString("id", id);
            var itemsOpen = false;
            string? continueToken = null;
            do
            {
                var query = request.Query(("limit", PageSize.ToString(CultureInfo.InvariantCulture)), ("continue", continueToken));
                using var message = new HttpRequestMessage(HttpMethod.Get, request.Path + query);
                message.Headers.Accept.ParseAdd(request.Table ? KubeApi.TableAccept : "application/json");
                using var response = await api.Http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                var body = await response.Content.ReadAsByteArrayAsync(timeout.Token);
                if (!response.IsSuccessStatusCode)
                {
                    throw ApiStatusException.From((int)response.StatusCode, System.Text.Encoding.UTF8.GetString(body));
                }

                using var document = JsonDocument.Parse(body);
                var root = document.RootElement;
                var isTable = root.TryGetProperty("kind", out var kind) && kind.ValueEquals("Table");
                if (!itemsOpen)
                {
                    // The server may ignore as=Table (it then returns a plain list): the page falls back to NAME and AGE.
                    json.WriteBoolean("table", isTable);
                    if (isTable && root.TryGetProperty("columnDefinitions", out var columns))
                    {
                        json.WritePropertyName("columns");
                        columns.WriteTo(json);
                    }

                    json.WriteStartArray("items");
                    itemsOpen = true;
                }

                foreach (var item in root.TryGetProperty(isTable ? "rows" : "items", out var items) && items.ValueKind == JsonValueKind.Array ? items.EnumerateArray() : default)
                {
                    JsonRewriter.WriteTrimmed(json, item);
                }

                var metadata = root.TryGetProperty("metadata", out var m) ? m : default;
                resourceVersion = metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty("resourceVersion", out var rv) ? rv.GetString() : resourceVersion;
                continueToken = metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty("continue", out var c) && c.GetString() is { Length: > 0 } token ? token : null;
            }
            while (continueToken is not null);

            json.WriteEndArray();
            json.WriteString("rv", resourceVersion);
            json.WriteEndObject();
        }

        Lists++;
        _resourceVersion = resourceVersion ?? "0";
        health.ReportSuccess();
        sink.Send(output.WrittenSpan.ToArray());
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        // Like informers: a server-side timeout of 5 to 10 minutes, so a half-dead connection is replaced in time.
        var seconds = 300 + Random.Shared.Next(300);
        var query = request.Query(
            ("watch", "true"), ("allowWatchBookmarks", "true"), ("resourceVersion", _resourceVersion),
            ("timeoutSeconds", seconds.ToString(CultureInfo.InvariantCulture)));
        using var message = new HttpRequestMessage(HttpMethod.Get, request.Path + query);
        message.Headers.Accept.ParseAdd(request.Table ? KubeApi.TableAccept : "application/json");
        using var response = await api.Http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw ApiStatusException.From((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
        }

        health.ReportSuccess();
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8, false, 64 * 1024);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        while (true)
        {
            // A silent connection past the server's own timeout is dead (a killed agent behind a proxy, a sleeping laptop).
            idle.CancelAfter(TimeSpan.FromSeconds(seconds + 30));
            var line = await reader.ReadLineAsync(idle.Token);
            if (line is null)
            {
                return;
            }

            if (line.Length > 0)
            {
                Handle(line);
            }
        }
    }

    private void Handle(string line)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        var type = root.GetProperty("type").GetString();
        var obj = root.GetProperty("object");
        switch (type)
        {
            case "ERROR":
                throw ApiStatusException.FromStatus(obj, 500);
            case "BOOKMARK":
                _resourceVersion = ResourceVersionOf(obj) ?? _resourceVersion;
                return;
        }

        // A Table watch event carries one row (and, on the first event, the columns again).
        var item = obj;
        if (obj.TryGetProperty("kind", out var kind) && kind.ValueEquals("Table"))
        {
            if (!obj.TryGetProperty("rows", out var rows) || rows.GetArrayLength() == 0)
            {
                return;
            }

            item = rows[0];
        }

        var rv = ResourceVersionOf(item.TryGetProperty("object", out var inner) && item.TryGetProperty("cells", out _) ? inner : item);
        _resourceVersion = rv ?? _resourceVersion;
        var output = new ArrayBufferWriter<byte>(Math.Max(256, line.Length));
        using (var json = new Utf8JsonWriter(output))
        {
            json.WriteStartObject();
            json.WriteString("t", "event");
            json.WriteString("id", id);
            json.WriteString("type", type);
            json.WritePropertyName("item");
            JsonRewriter.WriteTrimmed(json, item);
            json.WriteEndObject();
        }

        sink.Send(output.WrittenSpan.ToArray());
    }

    private byte[] ErrorMessage(int code, string reason, string message)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("t", "error");
            json.WriteString("id", id);
            json.WriteNumber("code", code);
            json.WriteString("reason", reason);
            json.WriteString("message", message);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static string? ResourceVersionOf(JsonElement obj) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
            && metadata.TryGetProperty("resourceVersion", out var rv) && rv.ValueKind == JsonValueKind.String
            ? rv.GetString()
            : null;

    private static async Task<bool> DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "watch {Path}: resourceVersion {ResourceVersion} expired, relisting")]
        public static partial void Expired(ILogger logger, string path, string? resourceVersion);

        [LoggerMessage(2, LogLevel.Debug, "watch {Path}: {Reason}; retrying")]
        public static partial void Retrying(ILogger logger, string path, string reason);
    }
}
