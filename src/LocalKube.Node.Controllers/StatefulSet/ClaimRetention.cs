using k8s;
using k8s.Models;
using LocalKube.Node.Controllers.Shared;

namespace LocalKube.Node.Controllers.StatefulSet;

/// <summary>
/// <c>persistentVolumeClaimRetentionPolicy</c>: which owner references a StatefulSet's claims carry, so the
/// garbage collector deletes them with the set (<c>whenDeleted: Delete</c>) or with a scaled-away pod
/// (<c>whenScaled: Delete</c>).
/// </summary>
public static class ClaimRetention
{
    private const string Delete = "Delete";

    /// <summary>The policy with upstream's defaults (Retain/Retain).</summary>
    public static (bool DeleteWhenScaled, bool DeleteWhenDeleted) Policy(V1StatefulSet set)
    {
        var p = set.Spec?.PersistentVolumeClaimRetentionPolicy;
        return (p?.WhenScaled == Delete, p?.WhenDeleted == Delete);
    }

    /// <summary><c>isClaimOwnerUpToDate</c>: whether the claim's references already follow the policy.</summary>
    public static bool IsUpToDate(V1PersistentVolumeClaim claim, V1StatefulSet set, V1Pod pod)
    {
        if (HasStaleRef(claim, set) || HasStaleRef(claim, pod))
        {
            // Managed by an earlier incarnation of the set or pod: left alone.
            return true;
        }

        if (HasUnexpectedController(claim, set, pod))
        {
            return !(HasRef(claim, set) || HasRef(claim, pod));
        }

        var (whenScaled, whenDeleted) = Policy(set);
        var scaledDown = !StatefulPods.InOrdinalRange(pod, set);
        return (whenScaled, whenDeleted) switch
        {
            (false, false) => !HasRef(claim, set) && !HasRef(claim, pod),
            (false, true) => HasRef(claim, set) && !HasRef(claim, pod),
            (true, false) => !HasRef(claim, set) && scaledDown == HasRef(claim, pod),
            _ => scaledDown != HasRef(claim, set) && scaledDown == HasRef(claim, pod),
        };
    }

    /// <summary><c>updateClaimOwnerRefForSetAndPod</c>: rewrites the set's and pod's references per policy.</summary>
    public static void Update(V1PersistentVolumeClaim claim, V1StatefulSet set, V1Pod pod)
    {
        var unexpected = HasUnexpectedController(claim, set, pod);
        var refs = (claim.Metadata.OwnerReferences ?? []).Where(r => !Matches(r, set, "StatefulSet") && !Matches(r, pod, "Pod")).ToList();
        if (!unexpected)
        {
            var (whenScaled, whenDeleted) = Policy(set);
            var scaledDown = !StatefulPods.InOrdinalRange(pod, set);
            if (whenDeleted && (!whenScaled || !scaledDown))
            {
                refs.Add(ControllerRefs.For(set, "apps/v1", "StatefulSet"));
            }

            if (whenScaled && scaledDown)
            {
                refs.Add(ControllerRefs.For(pod, "v1", "Pod"));
            }
        }

        claim.Metadata.OwnerReferences = refs.Count == 0 ? null : refs;
    }

    /// <summary>
    /// <c>PodClaimIsStale</c>: with <c>whenScaled: Delete</c>, a claim still owned by an earlier pod of that name
    /// blocks the new pod until the garbage collector removes it.
    /// </summary>
    public static bool IsStale(V1PersistentVolumeClaim claim, V1StatefulSet set, V1Pod pod) =>
        Policy(set).DeleteWhenScaled && HasStaleRef(claim, pod);

    /// <summary>Whether the claim has a controller reference to neither the set nor the pod.</summary>
    public static bool HasUnexpectedController(V1PersistentVolumeClaim claim, V1StatefulSet set, V1Pod pod) =>
        (claim.Metadata.OwnerReferences ?? []).Any(r => r.Controller == true && !Matches(r, set, "StatefulSet") && !Matches(r, pod, "Pod"));

    private static bool HasRef(V1PersistentVolumeClaim claim, IKubernetesObject<V1ObjectMeta> owner) =>
        owner.Metadata?.Uid is { } uid && (claim.Metadata.OwnerReferences ?? []).Any(r => r.Uid == uid);

    // A reference by name and kind to an object whose UID differs from the live one (or which has none yet).
    private static bool HasStaleRef(V1PersistentVolumeClaim claim, IKubernetesObject<V1ObjectMeta> owner)
    {
        var kind = owner is V1Pod ? "Pod" : "StatefulSet";
        return (claim.Metadata.OwnerReferences ?? []).Any(r => r.Kind == kind && r.Name == owner.Metadata.Name && r.Uid != owner.Metadata.Uid);
    }

    private static bool Matches(V1OwnerReference r, IKubernetesObject<V1ObjectMeta> owner, string kind) =>
        r.Kind == kind && r.Name == owner.Metadata.Name && r.Uid == owner.Metadata.Uid;
}
