using k8s;
using k8s.Models;
using LocalKube.Node.Client.Cache;
using LocalKube.Node.Client.Clients;
using LocalKube.Node.Client.Events;

namespace LocalKube.Node.Scheduler.Runtime;

/// <summary><see cref="ISchedulerActions"/> through the scheduler's own client (<c>system:kube-scheduler</c>).</summary>
internal sealed class SchedulerApi(
    Kubernetes client, IEventRecorder recorder, ILister<V1Pod> pods, ILister<V1PersistentVolumeClaim> claims, TimeProvider time) : ISchedulerActions
{
    private static readonly TimeSpan ClaimPoll = TimeSpan.FromSeconds(1);

    /// <inheritdoc />
    public Task BindAsync(V1Pod pod, string node, CancellationToken cancellationToken) =>
        client.CoreV1.CreateNamespacedPodBindingAsync(
            new V1Binding
            {
                Metadata = new V1ObjectMeta { Name = pod.Metadata.Name, NamespaceProperty = pod.Metadata.NamespaceProperty, Uid = pod.Metadata.Uid },
                Target = new V1ObjectReference { Kind = "Node", Name = node },
            },
            pod.Metadata.Name,
            pod.Metadata.NamespaceProperty,
            cancellationToken: cancellationToken);

    /// <inheritdoc />
    public async Task PatchPodStatusAsync(V1Pod pod, V1PodStatus status, CancellationToken cancellationToken)
    {
        // Upstream's PatchPodStatus: a strategic merge patch of the conditions (merged by type) and the nomination.
        var patch = new
        {
            metadata = new { uid = pod.Metadata.Uid },
            status = new { conditions = status.Conditions, nominatedNodeName = status.NominatedNodeName },
        };
        try
        {
            await client.CoreV1.PatchNamespacedPodStatusAsync(
                new V1Patch(KubernetesJson.Serialize(patch), V1Patch.PatchType.StrategicMergePatch), pod.Metadata.Name, pod.Metadata.NamespaceProperty,
                cancellationToken: cancellationToken);
        }
        catch (Exception e) when (KubeErrors.IsNotFound(e))
        {
            // Deleted meanwhile.
        }
    }

    /// <inheritdoc />
    public async Task DeletePodAsync(V1Pod pod, CancellationToken cancellationToken)
    {
        try
        {
            await client.CoreV1.DeleteNamespacedPodAsync(pod.Metadata.Name, pod.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (KubeErrors.IsNotFound(e))
        {
            // Gone already.
        }
    }

    /// <inheritdoc />
    public Task UpdateVolumeAsync(V1PersistentVolume volume, CancellationToken cancellationToken) =>
        client.CoreV1.ReplacePersistentVolumeAsync(volume, volume.Metadata.Name, cancellationToken: cancellationToken);

    /// <inheritdoc />
    public Task UpdateClaimAsync(V1PersistentVolumeClaim claim, CancellationToken cancellationToken) =>
        client.CoreV1.ReplaceNamespacedPersistentVolumeClaimAsync(claim, claim.Metadata.Name, claim.Metadata.NamespaceProperty, cancellationToken: cancellationToken);

    /// <inheritdoc />
    public async Task<bool> WaitForClaimsBoundAsync(IReadOnlyList<(string Namespace, string Name)> wanted, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // Upstream polls the claim cache every second until the PV controller and provisioner finish.
        var deadline = time.GetUtcNow() + timeout;
        while (true)
        {
            if (wanted.All(c => claims.Get(c.Namespace, c.Name) is { Status.Phase: "Bound" }))
            {
                return true;
            }

            if (time.GetUtcNow() >= deadline)
            {
                return false;
            }

            await Task.Delay(ClaimPoll, time, cancellationToken);
        }
    }

    /// <inheritdoc />
    public V1Pod? CurrentPod(string ns, string name) => pods.Get(ns, name);

    /// <inheritdoc />
    public void Event(V1Pod regarding, V1Pod? related, string type, string reason, string action, string note) =>
        recorder.Eventf(regarding, related, type, reason, action, note);
}
