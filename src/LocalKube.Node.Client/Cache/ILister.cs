using LocalKube.Node.Machinery.Labels;

namespace LocalKube.Node.Client.Cache;

/// <summary>
/// Read access to an informer's cache (client-go's listers and indexers). The objects are shared with every other
/// reader: never change one; copy it (<see cref="Clients.KubeJson.Clone{T}"/>) before building an update from it.
/// </summary>
public interface ILister<T>
    where T : class
{
    /// <summary>How many objects the cache holds.</summary>
    int Count { get; }

    /// <summary>The object <paramref name="name"/> in <paramref name="ns"/> (null for cluster-scoped), or null.</summary>
    T? Get(string? ns, string name);

    /// <summary>The object with <paramref name="key"/> (<c>ns/name</c> or <c>name</c>), or null.</summary>
    T? GetByKey(string key);

    /// <summary>Every object matching <paramref name="selector"/> (all when null).</summary>
    IReadOnlyList<T> List(LabelSelector? selector = null);

    /// <summary>The objects of namespace <paramref name="ns"/> matching <paramref name="selector"/> (all when null).</summary>
    IReadOnlyList<T> List(string ns, LabelSelector? selector = null);

    /// <summary>The objects whose index <paramref name="indexName"/> holds <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentException">No such index.</exception>
    IReadOnlyList<T> ByIndex(string indexName, string value);

    /// <summary>The objects that have an owner reference to <paramref name="ownerUid"/>.</summary>
    IReadOnlyList<T> ByOwner(string ownerUid);

    /// <summary>The pods bound to <paramref name="nodeName"/>.</summary>
    IReadOnlyList<T> ByNodeName(string nodeName);

    /// <summary>Every key in the cache.</summary>
    IReadOnlyList<string> Keys();
}
