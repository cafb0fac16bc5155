using k8s;
using k8s.Models;

namespace LocalKube.Node.ApiServer.Resources;

/// <summary>
/// Optional companion of <see cref="IResourceStrategy"/> for kinds whose deletion is not immediate beyond
/// <c>metadata.finalizers</c>: pods (graceful deletion) and namespaces (<c>spec.finalizers</c>, Terminating phase).
/// Implement it on the same class as the strategy; the machinery checks with <c>is IDeletionStrategy</c>.
/// </summary>
public interface IDeletionStrategy
{
    /// <summary>
    /// The grace period to apply to a delete of <paramref name="obj"/> that asked for <paramref name="requested"/>
    /// seconds (null: the kind's default). 0 deletes at once (finalizers permitting); more sets
    /// <c>deletionTimestamp</c> in the future and <c>deletionGracePeriodSeconds</c>, and the object stays until a
    /// delete with grace 0 (the kubelet's).
    /// </summary>
    long GracePeriodSeconds(IKubernetesObject<V1ObjectMeta> obj, long? requested);

    /// <summary>
    /// Marks kind-specific deletion state in place (namespaces: <c>status.phase = Terminating</c>) and says whether
    /// something other than <c>metadata.finalizers</c> still blocks removal (namespaces: <c>spec.finalizers</c>).
    /// Called on delete and again on every update of an object that has a <c>deletionTimestamp</c>.
    /// </summary>
    bool PrepareForDeletion(IKubernetesObject<V1ObjectMeta> obj);

    /// <summary>Whether a completed delete answers with the object (pods) rather than a Success Status.</summary>
    bool ReturnDeletedObject { get; }
}
