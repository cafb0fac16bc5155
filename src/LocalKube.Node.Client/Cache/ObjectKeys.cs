using k8s;
using k8s.Models;

namespace LocalKube.Node.Client.Cache;

/// <summary>Object keys as client-go's <c>MetaNamespaceKeyFunc</c>: <c>namespace/name</c>, or <c>name</c> for cluster-scoped objects.</summary>
public static class ObjectKeys
{
    /// <summary>The key of <paramref name="obj"/>.</summary>
    public static string KeyOf(IKubernetesObject<V1ObjectMeta> obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return KeyOf(obj.Metadata?.NamespaceProperty, obj.Metadata?.Name ?? "");
    }

    /// <summary>The key of <paramref name="name"/> in <paramref name="ns"/> (null or empty: cluster-scoped).</summary>
    public static string KeyOf(string? ns, string name) => string.IsNullOrEmpty(ns) ? name : $"{ns}/{name}";

    /// <summary>Splits a key back into namespace (null when cluster-scoped) and name.</summary>
    public static (string? Namespace, string Name) Split(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? (null, key) : (key[..slash], key[(slash + 1)..]);
    }
}
