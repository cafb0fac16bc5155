using k8s.Models;
using LocalKube.Node.Kubelet.Containers;

namespace LocalKube.Node.Kubelet;

/// <summary>
/// The kubelet's writes and lookups against the API server, as <c>system:node:&lt;node&gt;</c>. Reads of ConfigMaps,
/// Secrets and Services (<see cref="IConfigSource"/>) come from watch caches.
/// </summary>
public interface IKubeletApi : IConfigSource
{
    /// <summary>Merge-patches <c>pods/&lt;name&gt;/status</c>, with the pod's UID as a precondition.</summary>
    /// <returns>The stored pod, or null when the pod is gone (or is another pod of the same name).</returns>
    Task<V1Pod?> PatchPodStatusAsync(V1Pod pod, V1PodStatus status, CancellationToken cancellationToken);

    /// <summary>Deletes a pod with grace 0 and a UID precondition (the kubelet's final delete); false when already gone.</summary>
    Task<bool> DeletePodAsync(string ns, string name, string uid, CancellationToken cancellationToken);

    /// <summary>Reads a pod; null when it does not exist.</summary>
    Task<V1Pod?> GetPodAsync(string ns, string name, CancellationToken cancellationToken);

    /// <summary>Creates a pod (mirror pods); returns it as stored.</summary>
    Task<V1Pod> CreatePodAsync(V1Pod pod, CancellationToken cancellationToken);

    /// <summary>Reads a PersistentVolumeClaim; null when it does not exist.</summary>
    Task<V1PersistentVolumeClaim?> GetPersistentVolumeClaimAsync(string ns, string name, CancellationToken cancellationToken);

    /// <summary>Reads a PersistentVolume; null when it does not exist.</summary>
    Task<V1PersistentVolume?> GetPersistentVolumeAsync(string name, CancellationToken cancellationToken);

    /// <summary>Requests a bound service account token (<c>POST serviceaccounts/&lt;sa&gt;/token</c>).</summary>
    Task<Authenticationv1TokenRequest> CreateTokenAsync(string ns, string serviceAccount, Authenticationv1TokenRequest request, CancellationToken cancellationToken);
}
