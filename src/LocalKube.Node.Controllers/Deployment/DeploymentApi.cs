using k8s;
using k8s.Models;
using LocalKube.Node.Controllers.Shared;

namespace LocalKube.Node.Controllers.Deployment;

/// <summary>
/// <see cref="IDeploymentActions"/> over the controller's API client, for one sync of one Deployment (it remembers
/// the Deployment as read, to tell annotation changes apart).
/// </summary>
public sealed class DeploymentApi(IKubernetes client, IEventSink events, Func<string, string, V1ReplicaSet?> cachedReplicaSet, V1Deployment original) : IDeploymentActions
{
    private IDictionary<string, string>? _annotations = original?.Metadata?.Annotations is { } a ? new Dictionary<string, string>(a) : null;

    /// <inheritdoc />
    public Task<V1ReplicaSet> CreateReplicaSetAsync(V1ReplicaSet replicaSet, CancellationToken cancellationToken) =>
        client.AppsV1.CreateNamespacedReplicaSetAsync(replicaSet, replicaSet.Metadata.NamespaceProperty, cancellationToken: cancellationToken);

    /// <inheritdoc />
    public Task<V1ReplicaSet> UpdateReplicaSetAsync(V1ReplicaSet replicaSet, CancellationToken cancellationToken) =>
        client.AppsV1.ReplaceNamespacedReplicaSetAsync(replicaSet, replicaSet.Metadata.Name, replicaSet.Metadata.NamespaceProperty, cancellationToken: cancellationToken);

    /// <inheritdoc />
    public async Task DeleteReplicaSetAsync(V1ReplicaSet replicaSet, CancellationToken cancellationToken)
    {
        try
        {
            await client.AppsV1.DeleteNamespacedReplicaSetAsync(replicaSet.Metadata.Name, replicaSet.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (ApiErrors.IsNotFound(e))
        {
            // Already gone.
        }
    }

    /// <inheritdoc />
    public V1ReplicaSet? GetReplicaSet(string ns, string name) => cachedReplicaSet(ns, name);

    /// <inheritdoc />
    public async Task<V1Deployment> UpdateStatusAsync(V1Deployment deployment, CancellationToken cancellationToken)
    {
        // Upstream's status update also carries metadata (the revision annotation); here the status subresource
        // keeps only status, so changed annotations go first as an update of the object as read (the role grants
        // update, not patch; the spec is unchanged, so the generation stays).
        var changes = Patches.AnnotationChanges(_annotations, deployment.Metadata.Annotations);
        if (changes.Count > 0)
        {
            var updated = await client.AppsV1.ReplaceNamespacedDeploymentAsync(deployment, deployment.Metadata.Name, deployment.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
            deployment.Metadata.ResourceVersion = updated.Metadata.ResourceVersion;
            _annotations = deployment.Metadata.Annotations is { } a ? new Dictionary<string, string>(a) : null;
        }

        var stored = await client.AppsV1.ReplaceNamespacedDeploymentStatusAsync(deployment, deployment.Metadata.Name, deployment.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
        deployment.Metadata.ResourceVersion = stored.Metadata.ResourceVersion;
        return stored;
    }

    /// <inheritdoc />
    public void Event(V1Deployment deployment, string type, string reason, string message) => events.Event(deployment, type, reason, message);
}
