using System.Text.Json;
using k8s;
using k8s.Models;
using LocalKube.Node.Client.Resources;

namespace LocalKube.Node.Client.Clients;

/// <summary>
/// What the API server serves (client-go's discovery client, preferred versions only): every resource of every group
/// at the group's preferred version, with its verbs. Used by controllers that work on all kinds (namespace deletion,
/// garbage collection), so custom resources are included.
/// </summary>
public sealed class DiscoveryClient(Kubernetes client)
{
    /// <summary>Every top-level resource (no subresources) at its group's preferred version.</summary>
    public async Task<IReadOnlyList<DiscoveredResource>> ServerPreferredResourcesAsync(CancellationToken cancellationToken)
    {
        var result = new List<DiscoveredResource>();
        var core = await GetAsync<V1APIVersions>("/api", cancellationToken);
        foreach (var version in core.Versions ?? [])
        {
            Add(result, "", version, await GetAsync<V1APIResourceList>($"/api/{version}", cancellationToken));
        }

        var groups = await GetAsync<V1APIGroupList>("/apis", cancellationToken);
        foreach (var group in groups.Groups ?? [])
        {
            var version = group.PreferredVersion?.Version ?? group.Versions?.FirstOrDefault()?.Version;
            if (version is null)
            {
                continue;
            }

            Add(result, group.Name, version, await GetAsync<V1APIResourceList>($"/apis/{group.Name}/{version}", cancellationToken));
        }

        return result;
    }

    private static void Add(List<DiscoveredResource> result, string group, string version, V1APIResourceList list)
    {
        foreach (var r in list.Resources ?? [])
        {
            if (r.Name.Contains('/', StringComparison.Ordinal))
            {
                continue;
            }

            result.Add(new DiscoveredResource(new ApiResource(group, version, r.Kind, r.Name, r.Namespaced), [.. r.Verbs ?? []]));
        }
    }

    private async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var response = await KubeHttp.SendAsync(client, HttpMethod.Get, path, null, HttpCompletionOption.ResponseContentRead, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await JsonSerializer.DeserializeAsync<T>(body, KubeJson.Options, cancellationToken)
            ?? throw new KubeApiException($"empty discovery document at {path}");
    }
}
