namespace LocalKube.Node.ApiServer.Discovery;

/// <summary><see cref="IResourceRegistry"/> over the <see cref="ApiResourceDescriptor"/>s registered in DI.</summary>
public sealed class ResourceRegistry : IResourceRegistry
{
    private readonly Dictionary<(string Group, string Version, string Plural), ApiResourceDescriptor> _byName = [];
    private readonly Dictionary<(string Group, string Version), List<ApiResourceDescriptor>> _byGroupVersion = [];

    /// <summary>Indexes <paramref name="resources"/>.</summary>
    /// <exception cref="ArgumentException">The same group/version/plural is registered twice.</exception>
    public ResourceRegistry(IEnumerable<ApiResourceDescriptor> resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        Resources = resources.ToArray();

        // The core group always exists, even before any core resource is registered: clients expect /api/v1.
        var groups = new List<(string Name, List<string> Versions)> { ("", ["v1"]) };
        foreach (var r in Resources)
        {
            if (!_byName.TryAdd((r.Group, r.Version, r.Plural), r))
            {
                throw new ArgumentException($"resource {r.Plural} in {r.GroupVersion} is registered twice", nameof(resources));
            }

            if (!_byGroupVersion.TryGetValue((r.Group, r.Version), out var list))
            {
                _byGroupVersion[(r.Group, r.Version)] = list = [];
            }

            list.Add(r);
            var group = groups.FirstOrDefault(g => g.Name == r.Group);
            if (group.Versions is null)
            {
                groups.Add((r.Group, [r.Version]));
            }
            else if (!group.Versions.Contains(r.Version))
            {
                group.Versions.Add(r.Version);
            }
        }

        Groups = groups
            .Select(g => new ApiGroupVersions(g.Name, g.Versions.Order(KubeVersionPriority.Instance).ToArray()))
            .ToArray();
    }

    /// <inheritdoc />
    public IReadOnlyList<ApiResourceDescriptor> Resources { get; }

    /// <inheritdoc />
    public IReadOnlyList<ApiGroupVersions> Groups { get; }

    /// <inheritdoc />
    public IReadOnlyList<ApiResourceDescriptor> ResourcesFor(string group, string version) =>
        _byGroupVersion.TryGetValue((group, version), out var list) ? list : [];

    /// <inheritdoc />
    public bool TryGetResource(string group, string version, string plural, out ApiResourceDescriptor? resource) =>
        _byName.TryGetValue((group, version, plural), out resource);
}
