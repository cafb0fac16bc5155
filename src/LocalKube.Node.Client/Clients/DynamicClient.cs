using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using LocalKube.Node.Client.Resources;

namespace LocalKube.Node.Client.Clients;

/// <summary>
/// Reads and deletes objects of any resource known only at run time (client-go's metadata and dynamic clients): what
/// namespace deletion and garbage collection need for kinds they have no model of, custom resources included.
/// </summary>
public sealed class DynamicClient(Kubernetes client)
{
    /// <summary>The metadata of every object of <paramref name="resource"/> in <paramref name="ns"/> (all when null).</summary>
    public async Task<IReadOnlyList<V1ObjectMeta>> ListMetadataAsync(ApiResource resource, string? ns, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var items = new List<V1ObjectMeta>();
        string? next = null;
        do
        {
            var path = resource.CollectionPath(ns) + "?limit=500" + (next is null ? "" : "&continue=" + Uri.EscapeDataString(next));
            using var response = await KubeHttp.SendAsync(client, HttpMethod.Get, path, null, HttpCompletionOption.ResponseContentRead, cancellationToken);
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var page = await JsonSerializer.DeserializeAsync<MetadataList>(body, KubeJson.Options, cancellationToken);
            items.AddRange(page?.Items?.Select(i => i.Metadata).Where(m => m is not null)!);
            next = page?.Metadata?.ContinueProperty is { Length: > 0 } c ? c : null;
        }
        while (next is not null);
        return items;
    }

    /// <summary>The metadata of one object of <paramref name="resource"/>; null when it does not exist (404).</summary>
    public async Task<V1ObjectMeta?> GetMetadataAsync(ApiResource resource, string? ns, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        try
        {
            using var response = await KubeHttp.SendAsync(client, HttpMethod.Get, resource.ObjectPath(ns, name), null, HttpCompletionOption.ResponseContentRead, cancellationToken);
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var obj = await JsonSerializer.DeserializeAsync<MetadataOnly>(body, KubeJson.Options, cancellationToken);
            return obj?.Metadata;
        }
        catch (KubeApiException e) when (e.StatusCode == 404)
        {
            return null;
        }
    }

    /// <summary>Deletes every object of <paramref name="resource"/> in <paramref name="ns"/> with one deletecollection.</summary>
    public async Task DeleteCollectionAsync(ApiResource resource, string ns, string? propagationPolicy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        using var content = Json(new V1DeleteOptions { PropagationPolicy = propagationPolicy });
        using var response = await KubeHttp.SendAsync(client, HttpMethod.Delete, resource.CollectionPath(ns), content, HttpCompletionOption.ResponseContentRead, cancellationToken);
    }

    /// <summary>Deletes one object; false when it was already gone. <paramref name="uid"/> is a precondition when given.</summary>
    public async Task<bool> DeleteAsync(ApiResource resource, string? ns, string name, string? propagationPolicy, CancellationToken cancellationToken, string? uid = null)
    {
        ArgumentNullException.ThrowIfNull(resource);
        using var content = Json(new V1DeleteOptions
        {
            PropagationPolicy = propagationPolicy,
            Preconditions = uid is null ? null : new V1Preconditions { Uid = uid },
        });
        try
        {
            using var response = await KubeHttp.SendAsync(client, HttpMethod.Delete, resource.ObjectPath(ns, name), content, HttpCompletionOption.ResponseContentRead, cancellationToken);
            return true;
        }
        catch (KubeApiException e) when (e.StatusCode == 404)
        {
            return false;
        }
    }

    /// <summary>Patches one object of <paramref name="resource"/>; returns the new metadata.</summary>
    public async Task<V1ObjectMeta> PatchAsync(ApiResource resource, string? ns, string name, string contentType, string patch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        using var content = new StringContent(patch, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        using var response = await KubeHttp.SendAsync(client, HttpMethod.Patch, resource.ObjectPath(ns, name), content, HttpCompletionOption.ResponseContentRead, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var obj = await JsonSerializer.DeserializeAsync<MetadataOnly>(body, KubeJson.Options, cancellationToken);
        return obj?.Metadata ?? throw new KubeApiException(string.Create(CultureInfo.InvariantCulture, $"no metadata in the answer to PATCH {resource} {name}"));
    }

    private static ByteArrayContent Json<T>(T value)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, KubeJson.Options));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private sealed class MetadataOnly
    {
        [JsonPropertyName("metadata")]
        public V1ObjectMeta? Metadata { get; set; }
    }

    private sealed class MetadataList
    {
        [JsonPropertyName("metadata")]
        public V1ListMeta? Metadata { get; set; }

        [JsonPropertyName("items")]
        public List<MetadataOnly>? Items { get; set; }
    }
}
