using LocalKube.Node.ApiServer.Discovery;
using LocalKube.Node.ApiServer.Resources;

namespace LocalKube.Node.ApiServer.Rest;

/// <summary>
/// One served resource as the machinery sees it: the strategy plus the names and storage keys derived from its
/// descriptor. Keys are <c>/registry/&lt;StoragePrefix&gt;/&lt;namespace&gt;/&lt;name&gt;</c> (namespaced) or
/// <c>/registry/&lt;StoragePrefix&gt;/&lt;name&gt;</c> (cluster-scoped), as upstream lays them out.
/// </summary>
public sealed class RestResource
{
    /// <summary>Wraps <paramref name="strategy"/>.</summary>
    public RestResource(IResourceStrategy strategy)
    {
        Strategy = strategy ?? throw new ArgumentNullException(nameof(strategy));
        Descriptor = strategy.Descriptor;
        Root = "/registry/" + strategy.StoragePrefix.Trim('/') + "/";
        HasStatus = Descriptor.Subresources.Any(s => s.Name == "status");
        HasScale = Descriptor.Subresources.Any(s => s.Name == "scale");
    }

    /// <summary>The kind's strategy.</summary>
    public IResourceStrategy Strategy { get; }

    /// <summary>The discovery entry.</summary>
    public ApiResourceDescriptor Descriptor { get; }

    /// <summary>API group (empty for core).</summary>
    public string Group => Descriptor.Group;

    /// <summary>Plural resource name.</summary>
    public string Plural => Descriptor.Plural;

    /// <summary>Kind.</summary>
    public string Kind => Descriptor.Kind;

    /// <summary>The list kind, e.g. <c>ConfigMapList</c>.</summary>
    public string ListKind => Descriptor.Kind + "List";

    /// <summary><c>apiVersion</c> of objects: <c>v1</c> or <c>group/version</c>.</summary>
    public string ApiVersion => Descriptor.GroupVersion;

    /// <summary>Whether objects live in namespaces.</summary>
    public bool Namespaced => Descriptor.Namespaced;

    /// <summary>Whether <c>/status</c> is served (main updates then keep the stored status).</summary>
    public bool HasStatus { get; }

    /// <summary>Whether <c>/scale</c> is served.</summary>
    public bool HasScale { get; }

    /// <summary><c>/registry/&lt;prefix&gt;/</c>.</summary>
    public string Root { get; }

    /// <summary>The storage key of one object.</summary>
    public string Key(string? ns, string name) => Namespaced ? $"{Root}{ns}/{name}" : Root + name;

    /// <summary>The key prefix of a collection: one namespace, or every object when <paramref name="ns"/> is null.</summary>
    public string Prefix(string? ns) => Namespaced && !string.IsNullOrEmpty(ns) ? $"{Root}{ns}/" : Root;

    /// <summary>Admission hooks that apply to this kind (writes are then serialized).</summary>
    public IReadOnlyList<IAdmissionHook> Hooks { get; init; } = [];

    /// <summary>Serializes writes of kinds with hooks.</summary>
    internal SemaphoreSlim WriteLock { get; } = new(1, 1);

    /// <summary>Whether a verb is advertised (and so served).</summary>
    public bool Supports(string verb) => Descriptor.Verbs.Contains(verb);

    /// <inheritdoc />
    public override string ToString() => StatusException.Qualified(Group, Plural);
}
