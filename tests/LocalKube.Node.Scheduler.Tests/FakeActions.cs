using k8s.Models;
using LocalKube.Node.Scheduler.Runtime;

namespace LocalKube.Node.Scheduler.Tests;

/// <summary>Records what the scheduler does; the "API" is a dictionary of pods.</summary>
internal sealed class FakeActions : ISchedulerActions
{
    public Dictionary<string, V1Pod> Pods { get; } = [];

    public List<(string Pod, string Node)> Bindings { get; } = [];

    public List<(string Pod, V1PodStatus Status)> StatusPatches { get; } = [];

    public List<string> Deleted { get; } = [];

    public List<V1PersistentVolumeClaim> ClaimUpdates { get; } = [];

    public List<V1PersistentVolume> VolumeUpdates { get; } = [];

    public List<(string Pod, string Type, string Reason, string Action, string Note)> Events { get; } = [];

    public Func<V1Pod, Exception?> BindFailure { get; set; } = _ => null;

    public bool ClaimsBind { get; set; } = true;

    public Task BindAsync(V1Pod pod, string node, CancellationToken cancellationToken)
    {
        if (BindFailure(pod) is { } e)
        {
            throw e;
        }

        Bindings.Add((pod.Metadata.Name, node));
        return Task.CompletedTask;
    }

    public Task PatchPodStatusAsync(V1Pod pod, V1PodStatus status, CancellationToken cancellationToken)
    {
        StatusPatches.Add((pod.Metadata.Name, status));
        if (Pods.TryGetValue(pod.Metadata.Name, out var stored))
        {
            stored.Status = status;
        }

        return Task.CompletedTask;
    }

    public Task DeletePodAsync(V1Pod pod, CancellationToken cancellationToken)
    {
        Deleted.Add(pod.Metadata.Name);
        return Task.CompletedTask;
    }

    public Task UpdateVolumeAsync(V1PersistentVolume volume, CancellationToken cancellationToken)
    {
        VolumeUpdates.Add(volume);
        return Task.CompletedTask;
    }

    public Task UpdateClaimAsync(V1PersistentVolumeClaim claim, CancellationToken cancellationToken)
    {
        ClaimUpdates.Add(claim);
        return Task.CompletedTask;
    }

    public Task<bool> WaitForClaimsBoundAsync(IReadOnlyList<(string Namespace, string Name)> claims, TimeSpan timeout, CancellationToken cancellationToken) =>
        Task.FromResult(ClaimsBind);

    public V1Pod? CurrentPod(string ns, string name) => Pods.GetValueOrDefault(name);

    public void Event(V1Pod regarding, V1Pod? related, string type, string reason, string action, string note) =>
        Events.Add((regarding.Metadata.Name, type, reason, action, note));
}
