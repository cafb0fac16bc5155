using k8s;
using k8s.Models;

namespace LocalKube.Node.Controllers.Shared;

/// <summary>Controller references as upstream's controllers write and read them.</summary>
public static class ControllerRefs
{
    /// <summary>The <c>controller: true</c> owner reference of <paramref name="meta"/>, if any.</summary>
    public static V1OwnerReference? Of(V1ObjectMeta? meta) =>
        meta?.OwnerReferences?.FirstOrDefault(r => r.Controller == true);

    /// <summary><c>metav1.NewControllerRef</c>: controller and blockOwnerDeletion both true.</summary>
    public static V1OwnerReference For(IKubernetesObject<V1ObjectMeta> owner, string apiVersion, string kind)
    {
        ArgumentNullException.ThrowIfNull(owner);
        return new V1OwnerReference
        {
            ApiVersion = apiVersion,
            Kind = kind,
            Name = owner.Metadata.Name,
            Uid = owner.Metadata.Uid,
            Controller = true,
            BlockOwnerDeletion = true,
        };
    }

    /// <summary>Whether <paramref name="meta"/> is controlled by the object with <paramref name="uid"/>.</summary>
    public static bool IsControlledBy(V1ObjectMeta? meta, string? uid) => uid is not null && Of(meta)?.Uid == uid;
}
