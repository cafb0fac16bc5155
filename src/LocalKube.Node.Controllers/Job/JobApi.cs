using k8s;
using k8s.Models;
using LocalKube.Node.Controllers.Shared;

namespace LocalKube.Node.Controllers.Job;

/// <summary>
/// <see cref="IJobActions"/> over the controller's API client, for one Job: pod writes, the status, and the Job's
/// expectations (adds and deletes by count, finalizer removals by pod UID).
/// </summary>
public sealed class JobApi(IKubernetes client, IEventSink events, JobExpectations expectations, string key) : IJobActions
{
    /// <inheritdoc />
    public Task<V1Pod> CreatePodAsync(V1Pod pod, CancellationToken cancellationToken) =>
        client.CoreV1.CreateNamespacedPodAsync(pod, key[..key.IndexOf('/', StringComparison.Ordinal)], cancellationToken: cancellationToken);

    /// <inheritdoc />
    public Task DeletePodAsync(V1Pod pod, CancellationToken cancellationToken) =>
        client.CoreV1.DeleteNamespacedPodAsync(pod.Metadata.Name, pod.Metadata.NamespaceProperty, cancellationToken: cancellationToken);

    /// <inheritdoc />
    public async Task RemoveTrackingFinalizerAsync(V1Pod pod, CancellationToken cancellationToken)
    {
        try
        {
            await client.CoreV1.PatchNamespacedPodAsync(Patches.RemoveFinalizer(pod.Metadata, JobPods.TrackingFinalizer), pod.Metadata.Name, pod.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (ApiErrors.IsNotFound(e))
        {
            // Gone already: nothing holds it.
        }
    }

    /// <inheritdoc />
    public Task<V1Job> UpdateStatusAsync(V1Job job, CancellationToken cancellationToken) =>
        client.BatchV1.ReplaceNamespacedJobStatusAsync(job, job.Metadata.Name, job.Metadata.NamespaceProperty, cancellationToken: cancellationToken);

    /// <inheritdoc />
    public void Event(V1Job job, string type, string reason, string message) => events.Event(job, type, reason, message);

    /// <inheritdoc />
    public void ExpectCreations(int count) => expectations.Pods.ExpectCreations(key, count);

    /// <inheritdoc />
    public void CreationObserved() => expectations.Pods.CreationObserved(key);

    /// <inheritdoc />
    public void ExpectDeletions(int count) => expectations.ExpectDeletions(key, count);

    /// <inheritdoc />
    public void DeletionObserved() => expectations.DeletionObserved(key);

    /// <inheritdoc />
    public void ExpectFinalizerRemoved(string podUid) => expectations.ExpectFinalizerRemoved(key, podUid);

    /// <inheritdoc />
    public void FinalizerRemovalFailed(string podUid) => expectations.FinalizerRemoved(key, podUid);
}
