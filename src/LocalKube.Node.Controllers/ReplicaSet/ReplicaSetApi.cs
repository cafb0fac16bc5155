using k8s;
using k8s.Models;
using LocalKube.Node.Controllers.ReplicationController;
using LocalKube.Node.Controllers.Shared;

namespace LocalKube.Node.Controllers.ReplicaSet;

/// <summary>
/// <see cref="IReplicaSetActions"/> over the controller's API client for one owner: a ReplicaSet, or a
/// ReplicationController through its ReplicaSet view.
/// </summary>
public sealed class ReplicaSetApi(IKubernetes client, IEventSink events, PodExpectations expectations, string key, IKubernetesObject<V1ObjectMeta> owner) : IReplicaSetActions
{
    /// <inheritdoc />
    public Task<V1Pod> CreatePodAsync(V1Pod pod, CancellationToken cancellationToken) =>
        client.CoreV1.CreateNamespacedPodAsync(pod, owner.Metadata.NamespaceProperty, cancellationToken: cancellationToken);

    /// <inheritdoc />
    public Task DeletePodAsync(V1Pod pod, CancellationToken cancellationToken) =>
        client.CoreV1.DeleteNamespacedPodAsync(pod.Metadata.Name, pod.Metadata.NamespaceProperty, cancellationToken: cancellationToken);

    /// <inheritdoc />
    public async Task<V1ReplicaSet> UpdateStatusAsync(V1ReplicaSet replicaSet, CancellationToken cancellationToken)
    {
        var ns = replicaSet.Metadata.NamespaceProperty;
        var name = replicaSet.Metadata.Name;
        if (owner is V1ReplicationController rc)
        {
            var copy = ModelCopy.Clone(rc);
            copy.Status = ReplicationControllerView.ToStatus(replicaSet.Status);
            var stored = await client.CoreV1.ReplaceNamespacedReplicationControllerStatusAsync(copy, name, ns, cancellationToken: cancellationToken);
            return ReplicationControllerView.ToReplicaSet(stored);
        }

        try
        {
            return await client.AppsV1.ReplaceNamespacedReplicaSetStatusAsync(replicaSet, name, ns, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (ApiErrors.IsConflict(e))
        {
            // updateReplicaSetStatus retries once on a fresh read.
            var fresh = await client.AppsV1.ReadNamespacedReplicaSetAsync(name, ns, cancellationToken: cancellationToken);
            fresh.Status = replicaSet.Status;
            fresh.Status.ObservedGeneration = fresh.Metadata.Generation;
            return await client.AppsV1.ReplaceNamespacedReplicaSetStatusAsync(fresh, name, ns, cancellationToken: cancellationToken);
        }
    }

    /// <inheritdoc />
    public void Event(string type, string reason, string message) => events.Event(owner, type, reason, message);

    /// <inheritdoc />
    public void ExpectCreations(int count) => expectations.ExpectCreations(key, count);

    /// <inheritdoc />
    public void CreationObserved() => expectations.CreationObserved(key);

    /// <inheritdoc />
    public void ExpectDeletions(IReadOnlyList<string> podKeys) => expectations.ExpectDeletions(key, podKeys);

    /// <inheritdoc />
    public void DeletionObserved(string podKey) => expectations.DeletionObserved(key, podKey);
}
