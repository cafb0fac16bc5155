using k8s.Models;

namespace LocalKube.Node.Controllers.GarbageCollector;

/// <summary>
/// The API calls of the garbage collector (its own identity, metadata only): resolving kinds to resources, reading,
/// deleting and patching any object the graph holds.
/// </summary>
public interface IGarbageCollectorActions
{
    /// <summary>Whether the kind is known and namespaced; null when discovery does not know it (yet).</summary>
    bool? IsNamespaced(string apiVersion, string kind);

    /// <summary>The object's metadata, or null when it does not exist (404).</summary>
    Task<V1ObjectMeta?> GetAsync(ObjectIdentity identity, CancellationToken cancellationToken);

    /// <summary>Deletes the object with a UID precondition and <paramref name="propagation"/>; a 404 is success.</summary>
    Task DeleteAsync(ObjectIdentity identity, string propagation, CancellationToken cancellationToken);

    /// <summary>Removes the owner references to <paramref name="ownerUids"/> (UID precondition on the object); a 404 is success.</summary>
    Task RemoveOwnerReferencesAsync(ObjectIdentity identity, IReadOnlyList<string> ownerUids, CancellationToken cancellationToken);

    /// <summary>Sets <c>blockOwnerDeletion: false</c> on every blocking reference of the object.</summary>
    Task UnblockOwnerReferencesAsync(ObjectIdentity identity, V1ObjectMeta latest, CancellationToken cancellationToken);

    /// <summary>Removes <paramref name="finalizer"/> from the object (retrying conflicts); a 404 is success.</summary>
    Task RemoveFinalizerAsync(ObjectIdentity identity, string finalizer, CancellationToken cancellationToken);

    /// <summary>Records an event about the object.</summary>
    void Event(ObjectIdentity regarding, string type, string reason, string message);
}
