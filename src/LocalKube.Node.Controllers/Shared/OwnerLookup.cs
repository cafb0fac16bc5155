using k8s;
using k8s.Models;
using LocalKube.Node.Client.Cache;
using LocalKube.Node.Machinery.Labels;

namespace LocalKube.Node.Controllers.Shared;

/// <summary>Maps a dependent's events to its owners, as upstream's controllers do in their handlers.</summary>
public static class OwnerLookup
{
    /// <summary>
    /// The owner named by <paramref name="obj"/>'s controller reference when it is of <paramref name="kind"/> and
    /// the cached owner of that name has the same UID (<c>resolveControllerRef</c>).
    /// </summary>
    public static T? ControllerOf<T>(ILister<T> owners, IKubernetesObject<V1ObjectMeta> obj, string kind)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var reference = ControllerRefs.Of(obj.Metadata);
        if (reference is null || reference.Kind != kind)
        {
            return null;
        }

        var owner = owners.Get(obj.Metadata.NamespaceProperty, reference.Name);
        return owner is not null && owner.Metadata.Uid == reference.Uid ? owner : null;
    }

    /// <summary>The owners in <paramref name="obj"/>'s namespace whose selector matches its labels (for orphans).</summary>
    public static IEnumerable<T> Matching<T>(ILister<T> owners, IKubernetesObject<V1ObjectMeta> obj, Func<T, LabelSelector> selectorOf)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var labels = obj.Metadata.Labels;
        if (labels is not { Count: > 0 })
        {
            return [];
        }

        return owners.List(obj.Metadata.NamespaceProperty ?? "").Where(o =>
        {
            var selector = selectorOf(o);
            return !selector.IsEmpty && selector.Matches(labels);
        });
    }
}
