using k8s;
using k8s.Models;

namespace LocalKube.Node.Client.Helpers;

/// <summary><c>metadata.finalizers</c> helpers; each returns whether it changed the object (to skip needless writes).</summary>
public static class Finalizers
{
    /// <summary>Whether <paramref name="obj"/> carries <paramref name="finalizer"/>.</summary>
    public static bool Has(IKubernetesObject<V1ObjectMeta> obj, string finalizer) =>
        obj?.Metadata?.Finalizers?.Contains(finalizer) == true;

    /// <summary>Adds <paramref name="finalizer"/> unless present.</summary>
    public static bool Add(IKubernetesObject<V1ObjectMeta> obj, string finalizer)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentException.ThrowIfNullOrEmpty(finalizer);
        obj.Metadata.Finalizers ??= [];
        if (obj.Metadata.Finalizers.Contains(finalizer))
        {
            return false;
        }

        obj.Metadata.Finalizers.Add(finalizer);
        return true;
    }

    /// <summary>Removes every occurrence of <paramref name="finalizer"/>.</summary>
    public static bool Remove(IKubernetesObject<V1ObjectMeta> obj, string finalizer)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var list = obj.Metadata?.Finalizers;
        if (list is null)
        {
            return false;
        }

        var removed = false;
        for (var i = list.Count - 1; i >= 0; i--)
        {
            if (list[i] == finalizer)
            {
                list.RemoveAt(i);
                removed = true;
            }
        }

        return removed;
    }

    /// <summary>Whether <paramref name="obj"/> is being deleted (has a deletionTimestamp).</summary>
    public static bool IsDeleting(IKubernetesObject<V1ObjectMeta> obj) => obj?.Metadata?.DeletionTimestamp is not null;
}
