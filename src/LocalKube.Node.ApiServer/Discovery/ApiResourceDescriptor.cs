namespace LocalKube.Node.ApiServer.Discovery;

/// <summary>
/// One served resource type, as discovery advertises it (kubectl-protocol §2). Later issues register one per
/// resource through <see cref="ApiServerServiceCollectionExtensions.AddApiResource"/>.
/// </summary>
public sealed record ApiResourceDescriptor
{
    /// <summary>The object verb set (namespaces omit <c>deletecollection</c>).</summary>
    public static readonly IReadOnlyList<string> StandardVerbs =
        ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    /// <summary>API group; empty for the core group.</summary>
    public required string Group { get; init; }

    /// <summary>API version, e.g. <c>v1</c>.</summary>
    public required string Version { get; init; }

    /// <summary>Kind, e.g. <c>Deployment</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>Resource (plural) name, e.g. <c>deployments</c>.</summary>
    public required string Plural { get; init; }

    /// <summary>Singular name, e.g. <c>deployment</c>; kubectl's REST mapper uses it.</summary>
    public required string Singular { get; init; }

    /// <summary>Whether objects live in a namespace.</summary>
    public required bool Namespaced { get; init; }

    /// <summary>Supported verbs; advertise them truthfully (<c>api-resources --verbs</c>).</summary>
    public IReadOnlyList<string> Verbs { get; init; } = StandardVerbs;

    /// <summary>Short names (the only source kubectl has for <c>po</c>, <c>deploy</c>...).</summary>
    public IReadOnlyList<string> ShortNames { get; init; } = [];

    /// <summary>Categories, e.g. <c>all</c> (drives <c>kubectl get all</c>).</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>Subresources such as <c>status</c> and <c>scale</c>.</summary>
    public IReadOnlyList<ApiSubresourceDescriptor> Subresources { get; init; } = [];

    /// <summary><c>v1</c> for core, else <c>group/version</c>.</summary>
    public string GroupVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";
}
