using k8s.Models;
using LocalKube.Node.Machinery.Labels;
using LocalKube.Node.Machinery.Scheduling;
using LocalKube.Node.Machinery.Resources;

namespace LocalKube.Node.Machinery.Volumes;

/// <summary>
/// Which PersistentVolume a claim may bind to (k/k <c>pkg/controller/volume/persistentvolume/util</c>
/// <c>FindMatchingVolume</c>), shared by the scheduler's volume binding and the PV controller: a volume pre-bound to
/// the claim wins; otherwise the smallest Available volume of the same class and volume mode, with every requested
/// access mode, enough capacity, labels matching the claim's selector and (when a node is given) node affinity
/// matching that node.
/// </summary>
public static class VolumeMatcher
{
    /// <summary>The class of a claim: <c>spec.storageClassName</c>, else the legacy beta annotation, else "".</summary>
    public static string ClaimClass(V1PersistentVolumeClaim claim)
    {
        ArgumentNullException.ThrowIfNull(claim);
        if (claim.Metadata?.Annotations is { } a && a.TryGetValue("volume.beta.kubernetes.io/storage-class", out var legacy))
        {
            return legacy;
        }

        return claim.Spec?.StorageClassName ?? "";
    }

    /// <summary>The class of a volume, read like <see cref="ClaimClass"/>.</summary>
    public static string VolumeClass(V1PersistentVolume volume)
    {
        ArgumentNullException.ThrowIfNull(volume);
        if (volume.Metadata?.Annotations is { } a && a.TryGetValue("volume.beta.kubernetes.io/storage-class", out var legacy))
        {
            return legacy;
        }

        return volume.Spec?.StorageClassName ?? "";
    }

    /// <summary>Whether <paramref name="volume"/>'s claimRef names <paramref name="claim"/> (and its UID, when set).</summary>
    public static bool IsBoundTo(V1PersistentVolume volume, V1PersistentVolumeClaim claim)
    {
        ArgumentNullException.ThrowIfNull(volume);
        ArgumentNullException.ThrowIfNull(claim);
        var r = volume.Spec?.ClaimRef;
        return r is not null && r.Name == claim.Metadata?.Name && r.NamespaceProperty == claim.Metadata?.NamespaceProperty
            && (string.IsNullOrEmpty(r.Uid) || r.Uid == claim.Metadata?.Uid);
    }

    /// <summary>The requested storage in bytes.</summary>
    public static long Requested(V1PersistentVolumeClaim claim)
    {
        ArgumentNullException.ThrowIfNull(claim);
        return claim.Spec?.Resources?.Requests is { } r && r.TryGetValue("storage", out var q) ? Bytes(q) : 0;
    }

    /// <summary>The capacity in bytes.</summary>
    public static long Capacity(V1PersistentVolume volume)
    {
        ArgumentNullException.ThrowIfNull(volume);
        return volume.Spec?.Capacity is { } c && c.TryGetValue("storage", out var q) ? Bytes(q) : 0;
    }

    /// <summary>Whether <paramref name="volume"/>'s node affinity admits <paramref name="node"/> (none = any node).</summary>
    public static bool NodeAffinityAdmits(V1PersistentVolume volume, V1Node node)
    {
        ArgumentNullException.ThrowIfNull(volume);
        var terms = volume.Spec?.NodeAffinity?.Required?.NodeSelectorTerms;
        return terms is null || terms.Count == 0 || NodeSelectorMatcher.MatchesAny(terms, node);
    }

    /// <summary>
    /// The best volume for <paramref name="claim"/> among <paramref name="volumes"/>, skipping names in
    /// <paramref name="taken"/>; null when none fits.
    /// </summary>
    public static V1PersistentVolume? FindMatch(
        V1PersistentVolumeClaim claim, IEnumerable<V1PersistentVolume> volumes, V1Node? node = null, IReadOnlySet<string>? taken = null)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentNullException.ThrowIfNull(volumes);
        var requested = Requested(claim);
        var claimClass = ClaimClass(claim);
        var claimMode = claim.Spec?.VolumeMode ?? "Filesystem";
        var modes = claim.Spec?.AccessModes ?? [];
        var selector = claim.Spec?.Selector is null ? null : LabelSelector.FromLabelSelector(claim.Spec.Selector);
        V1PersistentVolume? best = null;
        long bestSize = long.MaxValue;
        foreach (var volume in volumes)
        {
            var name = volume.Metadata?.Name ?? "";
            if (taken is not null && taken.Contains(name))
            {
                continue;
            }

            var capacity = Capacity(volume);
            if (capacity < requested || (volume.Spec?.VolumeMode ?? "Filesystem") != claimMode)
            {
                continue;
            }

            if (node is not null && !NodeAffinityAdmits(volume, node))
            {
                continue;
            }

            if (volume.Spec?.ClaimRef is not null)
            {
                if (IsBoundTo(volume, claim))
                {
                    // Pre-bound to this claim: it is the answer whatever its class or size.
                    return volume;
                }

                continue;
            }

            if (volume.Metadata?.DeletionTimestamp is not null || volume.Status?.Phase is not (null or "Available")
                || VolumeClass(volume) != claimClass
                || (selector is not null && !selector.Matches(volume.Metadata?.Labels))
                || modes.Any(m => volume.Spec?.AccessModes?.Contains(m) != true))
            {
                continue;
            }

            if (capacity < bestSize)
            {
                best = volume;
                bestSize = capacity;
            }
        }

        return best;
    }

    // A quantity in whole bytes, rounded up.
    private static long Bytes(ResourceQuantity? quantity) => QuantityValues.Value(quantity);
}
