using k8s;
using k8s.Models;
using LocalKube.Node.Controllers.Shared;

namespace LocalKube.Node.Controllers.DaemonSet;

/// <summary><see cref="IDaemonSetActions"/> over the controller's API client, for one DaemonSet.</summary>
public sealed class DaemonSetApi(IKubernetes client, IEventSink events, PodExpectations expectations, string key) : IDaemonSetActions
{
    /// <inheritdoc />
    public Task<V1Pod> CreatePodAsync(V1Pod pod, CancellationToken cancellationToken) =>
        client.CoreV1.CreateNamespacedPodAsync(pod, pod.Metadata.NamespaceProperty ?? KeyNamespace, cancellationToken: cancellationToken);

    /// <inheritdoc />
    public Task DeletePodAsync(V1Pod pod, CancellationToken cancellationToken) =>
        client.CoreV1.DeleteNamespacedPodAsync(pod.Metadata.Name, pod.Metadata.NamespaceProperty, cancellationToken: cancellationToken);

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
    public Task<V1DaemonSet> GetDaemonSetAsync(string ns, string name, CancellationToken cancellationToken) =>
        client.AppsV1.ReadNamespacedDaemonSetAsync(name, ns, cancellationToken: cancellationToken);

    /// <inheritdoc />
    public Task UpdateStatusAsync(V1DaemonSet ds, CancellationToken cancellationToken) =>
        client.AppsV1.ReplaceNamespacedDaemonSetStatusAsync(ds, ds.Metadata.Name, ds.Metadata.NamespaceProperty, cancellationToken: cancellationToken);

    /// <inheritdoc />
    public void Event(V1DaemonSet ds, string type, string reason, string message) => events.Event(ds, type, reason, message);

    /// <inheritdoc />
    public bool ExpectationsSatisfied() => expectations.Satisfied(key);

    /// <inheritdoc />
    public void ExpectCreations(int count) => expectations.ExpectCreations(key, count);

    /// <inheritdoc />
    public void CreationObserved() => expectations.CreationObserved(key);

    /// <inheritdoc />
    public void ExpectDeletions(IReadOnlyList<string> podKeys)
    {
        if (podKeys.Count > 0)
        {
            expectations.ExpectDeletions(key, podKeys);
        }
    }

    /// <inheritdoc />
    public void DeletionObserved(string podKey) => expectations.DeletionObserved(key, podKey);

    private string KeyNamespace => key[..key.IndexOf('/', StringComparison.Ordinal)];
}
