using System.Collections.Concurrent;
using System.Text.Json;
using k8s.Models;
using LocalKube.Node.ApiServer.Http;

namespace LocalKube.Node.ApiServer.Discovery;

/// <summary>
/// Builds the discovery documents from the <see cref="IResourceRegistry"/> with KubernetesClient's model types, and
/// caches their JSON (<see cref="KubeJsonContext"/>) (the registry is fixed once the agent runs).
/// </summary>
public sealed class DiscoveryRenderer(IResourceRegistry registry, string serverAddress)
{
    private readonly ConcurrentDictionary<string, byte[]?> _cache = new(StringComparer.Ordinal);

    /// <summary><c>GET /api</c>, legacy: the core group's versions.</summary>
    public V1APIVersions ApiVersions() => new()
    {
        Kind = "APIVersions",
        Versions = Core().Versions.ToList(),
        ServerAddressByClientCIDRs = [new V1ServerAddressByClientCIDR { ClientCIDR = "0.0.0.0/0", ServerAddress = serverAddress }],
    };

    /// <summary><c>GET /apis</c>, legacy: every named group.</summary>
    public V1APIGroupList ApiGroupList() => new()
    {
        Kind = "APIGroupList",
        ApiVersion = "v1",
        Groups = registry.Groups.Where(g => g.Name.Length > 0).Select(g => Group(g, standalone: false)).ToList(),
    };

    /// <summary><c>GET /apis/&lt;group&gt;</c>, or null when the group is not served.</summary>
    public V1APIGroup? ApiGroup(string name)
    {
        var group = registry.Groups.FirstOrDefault(g => g.Name.Length > 0 && g.Name == name);
        return group is null ? null : Group(group, standalone: true);
    }

    /// <summary><c>GET /api/v1</c> or <c>/apis/&lt;group&gt;/&lt;version&gt;</c>, or null when not served.</summary>
    public V1APIResourceList? ResourceList(string group, string version)
    {
        var served = registry.Groups.FirstOrDefault(g => g.Name == group)?.Versions.Contains(version) == true;
        if (!served)
        {
            return null;
        }

        var resources = new List<V1APIResource>();
        foreach (var r in registry.ResourcesFor(group, version))
        {
            resources.Add(new V1APIResource
            {
                Name = r.Plural,
                SingularName = r.Singular,
                Namespaced = r.Namespaced,
                Kind = r.Kind,
                Verbs = r.Verbs.ToList(),
                ShortNames = NullIfEmpty(r.ShortNames),
                Categories = NullIfEmpty(r.Categories),
            });
            foreach (var s in r.Subresources)
            {
                resources.Add(new V1APIResource
                {
                    Name = $"{r.Plural}/{s.Name}",
                    SingularName = "",
                    Namespaced = r.Namespaced,
                    Group = s.Group,
                    Version = s.Version,
                    Kind = s.Kind ?? r.Kind,
                    Verbs = s.Verbs.ToList(),
                });
            }
        }

        return new V1APIResourceList
        {
            Kind = "APIResourceList",
            ApiVersion = "v1",
            GroupVersion = group.Length == 0 ? version : $"{group}/{version}",
            Resources = resources,
        };
    }

    /// <summary>
    /// Aggregated discovery: for <c>/api</c> (<paramref name="core"/>) exactly one item named <c>""</c>, for
    /// <c>/apis</c> one item per named group. Every resource and subresource carries a <c>responseKind</c>, without
    /// which clients silently drop it.
    /// </summary>
    public V2APIGroupDiscoveryList Aggregated(bool core, DiscoveryFormat format) => new()
    {
        Kind = "APIGroupDiscoveryList",
        ApiVersion = format == DiscoveryFormat.AggregatedV2Beta1 ? "apidiscovery.k8s.io/v2beta1" : "apidiscovery.k8s.io/v2",
        Metadata = new V1ListMeta(),
        Items = registry.Groups.Where(g => (g.Name.Length == 0) == core).Select(AggregatedGroup).ToList(),
    };

    /// <summary>The cached JSON of a document; null when <paramref name="build"/> says it does not exist.</summary>
    public byte[]? Json(string key, Func<DiscoveryRenderer, object?> build) =>
        _cache.GetOrAdd(key, static (_, state) =>
        {
            var document = state.build(state.self);
            return document is null ? null : JsonSerializer.SerializeToUtf8Bytes(document, document.GetType(), KubeJsonContext.Default);
        }, (self: this, build));

    private ApiGroupVersions Core() => registry.Groups.First(g => g.Name.Length == 0);

    private static V1APIGroup Group(ApiGroupVersions group, bool standalone) => new()
    {
        Kind = standalone ? "APIGroup" : null,
        ApiVersion = standalone ? "v1" : null,
        Name = group.Name,
        Versions = group.Versions.Select(v => GroupVersion(group.Name, v)).ToList(),
        PreferredVersion = GroupVersion(group.Name, group.PreferredVersion),
    };

    private static V1GroupVersionForDiscovery GroupVersion(string group, string version) =>
        new() { GroupVersion = $"{group}/{version}", Version = version };

    private V2APIGroupDiscovery AggregatedGroup(ApiGroupVersions group) => new()
    {
        Metadata = new V1ObjectMeta { Name = group.Name },
        Versions = group.Versions.Select(v => new V2APIVersionDiscovery
        {
            Version = v,
            Freshness = "Current",
            Resources = registry.ResourcesFor(group.Name, v).Select(AggregatedResource).ToList(),
        }).ToList(),
    };

    private static V2APIResourceDiscovery AggregatedResource(ApiResourceDescriptor r) => new()
    {
        Resource = r.Plural,
        ResponseKind = new V1GroupVersionKind { Group = r.Group, Version = r.Version, Kind = r.Kind },
        Scope = r.Namespaced ? "Namespaced" : "Cluster",
        SingularResource = r.Singular,
        Verbs = r.Verbs.ToList(),
        ShortNames = NullIfEmpty(r.ShortNames),
        Categories = NullIfEmpty(r.Categories),
        Subresources = r.Subresources.Count == 0 ? null : r.Subresources.Select(s => new V2APISubresourceDiscovery
        {
            Subresource = s.Name,
            ResponseKind = new V1GroupVersionKind
            {
                Group = s.Group ?? r.Group,
                Version = s.Version ?? r.Version,
                Kind = s.Kind ?? r.Kind,
            },
            Verbs = s.Verbs.ToList(),
        }).ToList(),
    };

    // Upstream omits empty shortNames/categories (omitempty); KubernetesJson drops nulls.
    private static List<string>? NullIfEmpty(IReadOnlyList<string> values) => values.Count == 0 ? null : values.ToList();
}
