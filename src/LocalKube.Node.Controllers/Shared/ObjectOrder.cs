using k8s;
using k8s.Models;

namespace LocalKube.Node.Controllers.Shared;

/// <summary>Upstream's orderings of owned objects (creationTimestamp, then name).</summary>
public static class ObjectOrder
{
    /// <summary>Oldest first; ties by name (<c>ReplicaSetsByCreationTimestamp</c>).</summary>
    public static int ByCreation(IKubernetesObject<V1ObjectMeta> a, IKubernetesObject<V1ObjectMeta> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var ta = a.Metadata?.CreationTimestamp ?? DateTime.MinValue;
        var tb = b.Metadata?.CreationTimestamp ?? DateTime.MinValue;
        var c = ta.CompareTo(tb);
        return c != 0 ? c : string.CompareOrdinal(a.Metadata?.Name, b.Metadata?.Name);
    }

    /// <summary>The items sorted oldest first (a new list).</summary>
    public static List<T> OldestFirst<T>(IEnumerable<T> items)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        var list = items.ToList();
        list.Sort((a, b) => ByCreation(a, b));
        return list;
    }
}
