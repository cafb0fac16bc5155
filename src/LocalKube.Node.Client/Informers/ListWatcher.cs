using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using k8s;
using k8s.Models;
using LocalKube.Node.Client.Clients;
using LocalKube.Node.Client.Resources;

namespace LocalKube.Node.Client.Informers;

/// <summary>
/// The list and watch calls of an informer, made on the component's KubernetesClient connection (its TLS, client
/// certificate or token) and decoded with System.Text.Json straight into KubernetesClient's models: lists page by
/// page, watches line by line from the response stream.
/// </summary>
internal sealed class ListWatcher<T>(Kubernetes client, ApiResource resource, InformerOptions options)
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>Objects per list page (client-go's informers list in chunks of 500).</summary>
    public const int PageSize = 500;

    public ApiResource Resource => resource;

    /// <summary>A consistent list, all pages; returns the items and the list's resourceVersion.</summary>
    public async Task<(List<T> Items, string ResourceVersion)> ListAsync(CancellationToken cancellationToken)
    {
        var items = new List<T>();
        string? next = null;
        string resourceVersion;
        do
        {
            var query = Query(("limit", PageSize.ToString(CultureInfo.InvariantCulture)), ("continue", next));
            KubeList<T> page;
            try
            {
                using var response = await SendAsync(query, cancellationToken);
                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                page = await JsonSerializer.DeserializeAsync<KubeList<T>>(body, KubeJson.Options, cancellationToken)
                    ?? throw new KubeApiException($"empty list body for {resource}");
            }
            catch (KubeApiException e) when (next is not null && KubeErrors.IsGone(e))
            {
                // The continue token outlived the history it pointed into: start over with a fresh list.
                items.Clear();
                next = null;
                continue;
            }

            items.AddRange(page.Items ?? []);
            next = page.Metadata?.ContinueProperty is { Length: > 0 } c ? c : null;
            resourceVersion = page.Metadata?.ResourceVersion ?? "";
            if (next is null)
            {
                return (items, resourceVersion);
            }
        }
        while (true);
    }

    /// <summary>Watches from <paramref name="resourceVersion"/> with bookmarks until the server ends the stream.</summary>
    public async IAsyncEnumerable<WatchNotice<T>> WatchAsync(string resourceVersion, TimeSpan timeout, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var query = Query(
            ("watch", "true"),
            ("resourceVersion", resourceVersion),
            ("allowWatchBookmarks", "true"),
            ("timeoutSeconds", ((long)timeout.TotalSeconds).ToString(CultureInfo.InvariantCulture)));
        using var response = await SendAsync(query, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            var filled = 0;
            while (true)
            {
                var newline = Array.IndexOf(buffer, (byte)'\n', 0, filled);
                if (newline < 0)
                {
                    if (filled == buffer.Length)
                    {
                        var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        Buffer.BlockCopy(buffer, 0, bigger, 0, filled);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                    }

                    var read = await body.ReadAsync(buffer.AsMemory(filled), cancellationToken);
                    if (read == 0)
                    {
                        yield break;
                    }

                    filled += read;
                    continue;
                }

                if (newline > 0)
                {
                    yield return Decode(buffer.AsSpan(0, newline));
                }

                filled -= newline + 1;
                Buffer.BlockCopy(buffer, newline + 1, buffer, 0, filled);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Decodes one watch line <c>{"type":...,"object":{...}}</c>.</summary>
    internal static WatchNotice<T> Decode(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line);
        string? type = null;
        var objectStart = -1;
        var objectEnd = -1;
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                type = reader.GetString();
            }
            else if (reader.ValueTextEquals("object"u8))
            {
                reader.Read();
                objectStart = (int)reader.TokenStartIndex;
                reader.Skip();
                objectEnd = (int)reader.BytesConsumed;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        var kind = type switch
        {
            "ADDED" => WatchEventType.Added,
            "MODIFIED" => WatchEventType.Modified,
            "DELETED" => WatchEventType.Deleted,
            "BOOKMARK" => WatchEventType.Bookmark,
            "ERROR" => WatchEventType.Error,
            _ => throw new JsonException($"unknown watch event type '{type}'"),
        };
        if (objectStart < 0)
        {
            throw new JsonException($"watch event {type} has no object");
        }

        var json = line[objectStart..objectEnd];
        return kind == WatchEventType.Error
            ? new WatchNotice<T>(kind, null, JsonSerializer.Deserialize<V1Status>(json, KubeJson.Options))
            : new WatchNotice<T>(kind, JsonSerializer.Deserialize<T>(json, KubeJson.Options), null);
    }

    private string Query(params (string Key, string? Value)[] extra)
    {
        var query = new StringBuilder(resource.CollectionPath(options.Namespace));
        var first = true;
        void Add(string key, string? value)
        {
            if (string.IsNullOrEmpty(value))
            {
                return;
            }

            query.Append(first ? '?' : '&').Append(key).Append('=').Append(Uri.EscapeDataString(value));
            first = false;
        }

        foreach (var (key, value) in extra)
        {
            Add(key, value);
        }

        Add("labelSelector", options.LabelSelector);
        Add("fieldSelector", options.FieldSelector);
        return query.ToString();
    }

    private Task<HttpResponseMessage> SendAsync(string pathAndQuery, CancellationToken cancellationToken) =>
        KubeHttp.SendAsync(client, HttpMethod.Get, pathAndQuery, null, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
}
