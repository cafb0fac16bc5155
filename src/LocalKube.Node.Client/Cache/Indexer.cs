using k8s;
using k8s.Models;
using LocalKube.Node.Machinery.Labels;

namespace LocalKube.Node.Client.Cache;

/// <summary>
/// A thread-safe, indexed object cache (client-go's <c>threadSafeStore</c>): objects by key, plus one inverted
/// index per index function. The informer writes it; listers read it.
/// </summary>
public sealed class Indexer<T> : ILister<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, T> _items = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<T, IEnumerable<string>>> _functions = new(StringComparer.Ordinal);

    // Index value -> (key -> object): a bucket holds the objects themselves, so reading one (a ReplicaSet's thousand
    // pods at every sync) needs no lookup of each key in _items.
    private readonly Dictionary<string, Dictionary<string, Dictionary<string, T>>> _indices = new(StringComparer.Ordinal);

    /// <summary>Creates the cache with the standard indexes (namespace, owner UID, node name).</summary>
    public Indexer()
    {
        AddIndexer(Indexers.Namespace, o => Indexers.ByNamespace(o));
        AddIndexer(Indexers.OwnerUid, o => Indexers.ByOwnerUid(o));
        AddIndexer(Indexers.NodeName, o => Indexers.ByNodeName(o));
    }

    /// <inheritdoc />
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _items.Count;
            }
        }
    }

    /// <summary>Adds (or replaces) an index; existing objects are indexed at once.</summary>
    public void AddIndexer(string name, Func<T, IEnumerable<string>> function)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(function);
        lock (_lock)
        {
            _functions[name] = function;
            var index = new Dictionary<string, Dictionary<string, T>>(StringComparer.Ordinal);
            _indices[name] = index;
            foreach (var (key, item) in _items)
            {
                foreach (var value in function(item))
                {
                    Bucket(index, value)[key] = item;
                }
            }
        }
    }

    /// <inheritdoc />
    public T? Get(string? ns, string name) => GetByKey(ObjectKeys.KeyOf(ns, name));

    /// <inheritdoc />
    public T? GetByKey(string key)
    {
        lock (_lock)
        {
            return _items.GetValueOrDefault(key);
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<T> List(LabelSelector? selector = null)
    {
        lock (_lock)
        {
            return _items.Values.Where(o => selector is null || selector.Matches(o.Metadata?.Labels)).ToList();
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<T> List(string ns, LabelSelector? selector = null) =>
        ByIndex(Indexers.Namespace, ns).Where(o => selector is null || selector.Matches(o.Metadata?.Labels)).ToList();

    /// <inheritdoc />
    public IReadOnlyList<T> ByIndex(string indexName, string value)
    {
        lock (_lock)
        {
            if (!_indices.TryGetValue(indexName, out var index))
            {
                throw new ArgumentException($"no index named '{indexName}'", nameof(indexName));
            }

            return index.TryGetValue(value, out var bucket) ? new List<T>(bucket.Values) : [];
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<T> ByOwner(string ownerUid) => ByIndex(Indexers.OwnerUid, ownerUid);

    /// <inheritdoc />
    public IReadOnlyList<T> ByNodeName(string nodeName) => ByIndex(Indexers.NodeName, nodeName);

    /// <inheritdoc />
    public IReadOnlyList<string> Keys()
    {
        lock (_lock)
        {
            return _items.Keys.ToList();
        }
    }

    /// <summary>Stores <paramref name="obj"/> under its key; returns the object it replaced, if any.</summary>
    public T? Upsert(T obj)
    {
        var key = ObjectKeys.KeyOf(obj);
        lock (_lock)
        {
            var old = _items.GetValueOrDefault(key);
            if (old is not null)
            {
                Unindex(key, old);
            }

            _items[key] = obj;
            Index(key, obj);
            return old;
        }
    }

    /// <summary>Removes the object with <paramref name="key"/>; returns it, if it was there.</summary>
    public T? Remove(string key)
    {
        lock (_lock)
        {
            if (!_items.Remove(key, out var old))
            {
                return null;
            }

            Unindex(key, old);
            return old;
        }
    }

    private void Index(string key, T obj)
    {
        foreach (var (name, function) in _functions)
        {
            foreach (var value in function(obj))
            {
                Bucket(_indices[name], value)[key] = obj;
            }
        }
    }

    private void Unindex(string key, T obj)
    {
        foreach (var (name, function) in _functions)
        {
            var index = _indices[name];
            foreach (var value in function(obj))
            {
                if (index.TryGetValue(value, out var bucket) && bucket.Remove(key) && bucket.Count == 0)
                {
                    index.Remove(value);
                }
            }
        }
    }

    private static Dictionary<string, T> Bucket(Dictionary<string, Dictionary<string, T>> index, string value)
    {
        if (!index.TryGetValue(value, out var bucket))
        {
            bucket = new Dictionary<string, T>(StringComparer.Ordinal);
            index[value] = bucket;
        }

        return bucket;
    }
}
