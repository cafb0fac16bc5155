using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using k8s;
using k8s.Models;
using LocalKube.Node.Client.Resources;

namespace LocalKube.Node.Client.Clients;

/// <summary>
/// Typed reads and writes of any resource by its model type, on a component's connection (for code that works on
/// many kinds: adoption, finalizers, conditions, garbage collection). For one known kind the KubernetesClient
/// methods (<c>client.CoreV1...</c>) do the same.
/// </summary>
public sealed class ResourceClient<T>(Kubernetes client)
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>The JSON merge patch content type.</summary>
    public const string MergePatch = "application/merge-patch+json";

    /// <summary>The strategic merge patch content type.</summary>
    public const string StrategicMergePatch = "application/strategic-merge-patch+json";

    /// <summary>The JSON patch content type.</summary>
    public const string JsonPatch = "application/json-patch+json";

    /// <summary>The resource of <typeparamref name="T"/>.</summary>
    public ApiResource Resource { get; } = ApiResource.For<T>();

    /// <summary>Reads one object.</summary>
    public Task<T> GetAsync(string? ns, string name, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, Resource.ObjectPath(ns, name), null, cancellationToken);

    /// <summary>Creates <paramref name="obj"/> in its namespace.</summary>
    public Task<T> CreateAsync(T obj, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return SendAsync(HttpMethod.Post, Resource.CollectionPath(obj.Metadata?.NamespaceProperty), Body(obj), cancellationToken);
    }

    /// <summary>Replaces <paramref name="obj"/> (optimistic: a stale resourceVersion is a 409).</summary>
    public Task<T> UpdateAsync(T obj, CancellationToken cancellationToken) => Replace(obj, null, cancellationToken);

    /// <summary>Replaces <paramref name="obj"/>'s status subresource.</summary>
    public Task<T> UpdateStatusAsync(T obj, CancellationToken cancellationToken) => Replace(obj, "status", cancellationToken);

    /// <summary>Patches one object (or a subresource) with <paramref name="patch"/> of <paramref name="contentType"/>.</summary>
    public Task<T> PatchAsync(string? ns, string name, string contentType, string patch, CancellationToken cancellationToken, string? subresource = null)
    {
        var content = new StringContent(patch, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return SendAsync(HttpMethod.Patch, Resource.ObjectPath(ns, name, subresource), content, cancellationToken);
    }

    /// <summary>
    /// Deletes one object; <paramref name="propagationPolicy"/> is Orphan, Background or Foreground, and
    /// <paramref name="uid"/>/<paramref name="resourceVersion"/> are preconditions. Returns false when it was already gone.
    /// </summary>
    public async Task<bool> DeleteAsync(string? ns, string name, CancellationToken cancellationToken, string? propagationPolicy = null, string? uid = null, string? resourceVersion = null)
    {
        var options = new V1DeleteOptions
        {
            PropagationPolicy = propagationPolicy,
            Preconditions = uid is null && resourceVersion is null ? null : new V1Preconditions { Uid = uid, ResourceVersion = resourceVersion },
        };
        try
        {
            using var response = await KubeHttp.SendAsync(client, HttpMethod.Delete, Resource.ObjectPath(ns, name), Body(options), HttpCompletionOption.ResponseContentRead, cancellationToken);
            return true;
        }
        catch (KubeApiException e) when (e.StatusCode == 404)
        {
            return false;
        }
    }

    /// <summary>Lists objects (one namespace, or all when null), following continue tokens.</summary>
    public async Task<IReadOnlyList<T>> ListAsync(string? ns, CancellationToken cancellationToken, string? labelSelector = null, string? fieldSelector = null)
    {
        var watcher = new Informers.ListWatcher<T>(client, Resource, new Informers.InformerOptions(ns, labelSelector, fieldSelector));
        var (items, _) = await watcher.ListAsync(cancellationToken);
        return items;
    }

    private Task<T> Replace(T obj, string? subresource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return SendAsync(HttpMethod.Put, Resource.ObjectPath(obj.Metadata?.NamespaceProperty, obj.Metadata?.Name ?? "", subresource), Body(obj), cancellationToken);
    }

    private async Task<T> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using (content)
        {
            using var response = await KubeHttp.SendAsync(client, method, path, content, HttpCompletionOption.ResponseContentRead, cancellationToken);
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            return await JsonSerializer.DeserializeAsync<T>(body, KubeJson.Options, cancellationToken)
                ?? throw new KubeApiException(string.Create(CultureInfo.InvariantCulture, $"empty answer to {method} {path}"));
        }
    }

    private HttpContent Body<TBody>(TBody value)
    {
        if (value is IKubernetesObject<V1ObjectMeta> obj && (obj.ApiVersion is null || obj.Kind is null))
        {
            obj.ApiVersion ??= Resource.ApiVersion;
            obj.Kind ??= Resource.Kind;
        }

        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, KubeJson.Options));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }
}
