using LocalKube.Node.ApiServer.Resources;

namespace LocalKube.Node.ApiServer.Rest;

/// <summary>Every registered <see cref="IResourceStrategy"/> as a <see cref="RestResource"/>, looked up by URL or kind.</summary>
public sealed class RestResources
{
    private readonly Dictionary<(string Group, string Version, string Plural), RestResource> _byName = [];
    private readonly Dictionary<(string Group, string Kind), RestResource> _byKind = [];

    /// <summary>Indexes <paramref name="strategies"/>.</summary>
    public RestResources(IEnumerable<IResourceStrategy> strategies, IEnumerable<IAdmissionHook> hooks)
    {
        ArgumentNullException.ThrowIfNull(strategies);
        var hookList = hooks.ToList();
        var all = new List<RestResource>();
        foreach (var strategy in strategies)
        {
            var resource = new RestResource(strategy) { Hooks = hookList.Where(h => h.AppliesTo(strategy.Descriptor.Group, strategy.Descriptor.Kind)).ToArray() };
            _byName[(resource.Group, resource.Descriptor.Version, resource.Plural)] = resource;
            _byKind.TryAdd((resource.Group, resource.Kind), resource);
            all.Add(resource);
        }

        All = all;
    }

    /// <summary>Every resource, in registration order.</summary>
    public IReadOnlyList<RestResource> All { get; }

    /// <summary>Finds a resource by its URL parts.</summary>
    public RestResource? Find(string group, string version, string plural) =>
        _byName.TryGetValue((group, version, plural), out var r) ? r : null;

    /// <summary>Finds a resource by group and kind (its first registered version).</summary>
    public RestResource? FindKind(string group, string kind) => _byKind.TryGetValue((group, kind), out var r) ? r : null;

    /// <summary>The core namespaces resource, when served.</summary>
    public RestResource? Namespaces => FindKind("", "Namespace");
}
