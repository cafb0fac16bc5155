using LocalKube.Node.ApiServer.Discovery;

namespace LocalKube.Node.ApiServer.Catalog;

/// <summary>Builds discovery entries with upstream's conventions (singular = lower-case kind, standard verbs).</summary>
public static class Descriptors
{
    /// <summary>The verbs of a subresource that reads and writes the parent (status, scale, ephemeralcontainers).</summary>
    public static readonly IReadOnlyList<string> GetPatchUpdate = ["get", "patch", "update"];

    /// <summary>The verbs of a create-only review resource.</summary>
    public static readonly IReadOnlyList<string> CreateOnly = ["create"];

    /// <summary>The verbs of a proxy subresource.</summary>
    public static readonly IReadOnlyList<string> ProxyVerbs = ["create", "delete", "get", "patch", "update"];

    /// <summary>The <c>status</c> subresource.</summary>
    public static ApiSubresourceDescriptor Status => new("status", GetPatchUpdate);

    /// <summary>The <c>scale</c> subresource, answering autoscaling/v1 Scale.</summary>
    public static ApiSubresourceDescriptor Scale => new("scale", GetPatchUpdate) { Group = "autoscaling", Version = "v1", Kind = "Scale" };

    /// <summary>A descriptor with upstream's defaults for the parts not given.</summary>
    public static ApiResourceDescriptor Of(
        string group,
        string version,
        string kind,
        string plural,
        bool namespaced,
        IReadOnlyList<string>? shortNames = null,
        IReadOnlyList<string>? categories = null,
        IReadOnlyList<ApiSubresourceDescriptor>? subresources = null,
        IReadOnlyList<string>? verbs = null) => new()
        {
            Group = group,
            Version = version,
            Kind = kind,
            Plural = plural,
            Singular = kind.ToLowerInvariant(),
            Namespaced = namespaced,
            ShortNames = shortNames ?? [],
            Categories = categories ?? [],
            Subresources = subresources ?? [],
            Verbs = verbs ?? ApiResourceDescriptor.StandardVerbs,
        };
}
