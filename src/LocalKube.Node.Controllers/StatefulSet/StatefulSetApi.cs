using k8s;
using k8s.Models;
using LocalKube.Node.Controllers.Shared;

namespace LocalKube.Node.Controllers.StatefulSet;

/// <summary><see cref="IStatefulSetActions"/> over the controller's API client and its claim cache.</summary>
public sealed class StatefulSetApi(IKubernetes client, IEventSink events, Func<string, string, V1PersistentVolumeClaim?> cachedClaim) : IStatefulSetActions
{
    /// <inheritdoc />
    public Task CreatePodAsync(V1Pod pod, CancellationToken cancellationToken) =>
        client.CoreV1.CreateNamespacedPodAsync(pod, pod.Metadata.NamespaceProperty, cancellationToken: cancellationToken);

    /// <inheritdoc />
    public Task UpdatePodAsync(V1Pod pod, CancellationToken cancellationToken) =>
        client.CoreV1.ReplaceNamespacedPodAsync(pod, pod.Metadata.Name, pod.Metadata.NamespaceProperty, cancellationToken: cancellationToken);

    /// <inheritdoc />
    public Task DeletePodAsync(V1Pod pod, CancellationToken cancellationToken) =>
        client.CoreV1.DeleteNamespacedPodAsync(pod.Metadata.Name, pod.Metadata.NamespaceProperty, cancellationToken: cancellationToken);

    /// <inheritdoc />
    public V1PersistentVolumeClaim? GetClaim(string ns, string name) => cachedClaim(ns, name);

    /// <inheritdoc />
    public Task CreateClaimAsync(V1PersistentVolumeClaim claim, CancellationToken cancellationToken) =>
        client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(claim, claim.Metadata.NamespaceProperty, cancellationToken: cancellationToken);

    /// <inheritdoc />
    public Task UpdateClaimAsync(V1PersistentVolumeClaim claim, CancellationToken cancellationToken) =>
        client.CoreV1.ReplaceNamespacedPersistentVolumeClaimAsync(claim, claim.Metadata.Name, claim.Metadata.NamespaceProperty, cancellationToken: cancellationToken);

    /// <inheritdoc />
    public Task<V1ControllerRevision> CreateRevisionAsync(V1ControllerRevision revision, CancellationToken cancellationToken) =>
        client.AppsV1.CreateNamespacedControllerRevisionAsync(revision, revision.Metadata.NamespaceProperty, cancellationToken: cancellationToken);

    /// <inheritdoc />
    public Task<V1ControllerRevision> GetRevisionAsync(string ns, string name, CancellationToken cancellationToken) =>
        client.AppsV1.ReadNamespacedControllerRevisionAsync(name, ns, cancellationToken: cancellationToken);

    /// <inheritdoc />
    public Task<V1ControllerRevision> UpdateRevisionAsync(V1ControllerRevision revision, CancellationToken cancellationToken) =>
        client.AppsV1.ReplaceNamespacedControllerRevisionAsync(revision, revision.Metadata.Name, revision.Metadata.NamespaceProperty, cancellationToken: cancellationToken);

    /// <inheritdoc />
    public async Task DeleteRevisionAsync(V1ControllerRevision revision, CancellationToken cancellationToken)
    {
        try
        {
            await client.AppsV1.DeleteNamespacedControllerRevisionAsync(revision.Metadata.Name, revision.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (ApiErrors.IsNotFound(e))
        {
            // Already gone.
        }
    }

    /// <inheritdoc />
    public Task UpdateStatusAsync(V1StatefulSet set, CancellationToken cancellationToken) =>
        client.AppsV1.ReplaceNamespacedStatefulSetStatusAsync(set, set.Metadata.Name, set.Metadata.NamespaceProperty, cancellationToken: cancellationToken);

    /// <inheritdoc />
    public void Event(V1StatefulSet set, string type, string reason, string message) => events.Event(set, type, reason, message);
}
