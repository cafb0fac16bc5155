namespace LocalKube.Node.ApiServer.Discovery;

/// <summary>
/// The resource types the API server serves. Discovery renders it; the resource handlers of later issues route
/// through it. Fixed once the agent starts.
/// </summary>
public interface IResourceRegistry
{
    /// <summary>Every resource, in registration order.</summary>
    IReadOnlyList<ApiResourceDescriptor> Resources { get; }

    /// <summary>Every group, the core group (<c>""</c>, always with <c>v1</c>) first, then in registration order.</summary>
    IReadOnlyList<ApiGroupVersions> Groups { get; }

    /// <summary>Resources of one group version, in registration order; empty when none.</summary>
    IReadOnlyList<ApiResourceDescriptor> ResourcesFor(string group, string version);

    /// <summary>Finds a resource by group, version and plural name.</summary>
    bool TryGetResource(string group, string version, string plural, out ApiResourceDescriptor? resource);
}
