using k8s;
using k8s.Models;
using LocalKube.Node.Client.Resources;

namespace LocalKube.Node.Client.Helpers;

/// <summary>Owner references (apimachinery's <c>metav1.GetControllerOf</c>, <c>NewControllerRef</c>, ...).</summary>
public static class OwnerReferences
{
    /// <summary>The owner reference with <c>controller: true</c>, or null.</summary>
    public static V1OwnerReference? GetControllerOf(IKubernetesObject<V1ObjectMeta> obj) =>
        obj?.Metadata?.OwnerReferences?.FirstOrDefault(r => r.Controller == true);

    /// <summary>Whether <paramref name="obj"/>'s controller is the object with <paramref name="ownerUid"/>.</summary>
    public static bool IsControlledBy(IKubernetesObject<V1ObjectMeta> obj, string ownerUid) => GetControllerOf(obj)?.Uid == ownerUid;

    /// <summary>Whether any owner reference of <paramref name="obj"/> points at <paramref name="ownerUid"/>.</summary>
    public static bool IsOwnedBy(IKubernetesObject<V1ObjectMeta> obj, string ownerUid) =>
        obj?.Metadata?.OwnerReferences?.Any(r => r.Uid == ownerUid) == true;

    /// <summary>
    /// A controller reference to <paramref name="owner"/>: <c>controller</c> and <c>blockOwnerDeletion</c> true, as
    /// upstream's controllers set it. apiVersion and kind come from the owner's type when its body lacks them.
    /// </summary>
    public static V1OwnerReference NewControllerRef(IKubernetesObject<V1ObjectMeta> owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var resource = owner.ApiVersion is null || owner.Kind is null ? ApiResource.For(owner.GetType()) : null;
        return new V1OwnerReference
        {
            ApiVersion = owner.ApiVersion ?? resource!.ApiVersion,
            Kind = owner.Kind ?? resource!.Kind,
            Name = owner.Metadata.Name,
            Uid = owner.Metadata.Uid,
            Controller = true,
            BlockOwnerDeletion = true,
        };
    }

    /// <summary>Adds (or replaces, by UID) <paramref name="reference"/> in <paramref name="obj"/>'s owner references.</summary>
    public static void Set(IKubernetesObject<V1ObjectMeta> obj, V1OwnerReference reference)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(reference);
        obj.Metadata.OwnerReferences ??= [];
        var list = obj.Metadata.OwnerReferences;
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i].Uid == reference.Uid)
            {
                list[i] = reference;
                return;
            }
        }

        list.Add(reference);
    }

    /// <summary>Removes the owner reference to <paramref name="ownerUid"/>; returns whether there was one.</summary>
    public static bool Remove(IKubernetesObject<V1ObjectMeta> obj, string ownerUid)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var list = obj.Metadata?.OwnerReferences;
        if (list is null)
        {
            return false;
        }

        var removed = false;
        for (var i = list.Count - 1; i >= 0; i--)
        {
            if (list[i].Uid == ownerUid)
            {
                list.RemoveAt(i);
                removed = true;
            }
        }

        return removed;
    }
}
