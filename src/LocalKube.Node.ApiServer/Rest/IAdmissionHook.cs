using k8s;
using k8s.Models;

namespace LocalKube.Node.ApiServer.Rest;

/// <summary>
/// A server-side step on writes of some kinds that needs more than the object itself (for example Service
/// ClusterIP and NodePort allocation, which looks at every stored Service). Runs after defaulting and validation,
/// right before the write; throwing a <see cref="StatusException"/> refuses the write. Writes of a kind with a hook
/// are serialized, so a hook can allocate from what is stored without racing another write of the same kind.
/// Register with <c>services.AddAdmissionHook&lt;T&gt;()</c>.
/// </summary>
public interface IAdmissionHook
{
    /// <summary>Whether the hook applies to objects of <paramref name="group"/>/<paramref name="kind"/>.</summary>
    bool AppliesTo(string group, string kind);

    /// <summary>Admits (and may change) a create (<see cref="AdmissionRequest.Old"/> null) or an update.</summary>
    Task AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Whether writes of the kinds it applies to must be serialized (allocators that read what is stored); hooks
    /// that only fill in or check fields say false, so pod writes, say, stay concurrent.
    /// </summary>
    bool SerializesWrites => true;
}

/// <summary>One write under admission.</summary>
/// <param name="Resource">The kind being written.</param>
/// <param name="Store">The registry, to read other objects.</param>
/// <param name="Object">The object to write (may be changed in place).</param>
/// <param name="Old">The stored object of an update; null for a create.</param>
/// <param name="DryRun">Whether nothing will be persisted.</param>
public sealed record AdmissionRequest(
    RestResource Resource, ResourceStore Store, IKubernetesObject<V1ObjectMeta> Object, IKubernetesObject<V1ObjectMeta>? Old, bool DryRun);
