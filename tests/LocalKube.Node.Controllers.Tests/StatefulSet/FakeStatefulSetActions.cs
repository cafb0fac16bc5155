using System.Globalization;
using System.Net;
using k8s.Models;
using LocalKube.Node.Controllers.Shared;
using LocalKube.Node.Controllers.StatefulSet;
using LocalKube.Node.Controllers.Tests.Deployment;

namespace LocalKube.Node.Controllers.Tests.StatefulSet;

internal sealed class FakeStatefulSetActions : IStatefulSetActions
{
    private int _uid;
    private int _created;

    public Dictionary<string, V1Pod> Pods { get; } = [];

    public Dictionary<string, V1PersistentVolumeClaim> Claims { get; } = [];

    public Dictionary<string, V1ControllerRevision> Revisions { get; } = [];

    public List<string> Events { get; } = [];

    public V1StatefulSet? Stored { get; private set; }

    public Task CreatePodAsync(V1Pod pod, CancellationToken cancellationToken)
    {
        lock (Pods)
        {
            if (Pods.ContainsKey(pod.Metadata.Name))
            {
                throw FakeDeploymentActions.Error(HttpStatusCode.Conflict, "AlreadyExists", $"pods \"{pod.Metadata.Name}\" already exists");
            }

            var copy = ModelCopy.Clone(pod);
            copy.Metadata.Uid = "pod-uid-" + (++_uid).ToString(CultureInfo.InvariantCulture);
            copy.Metadata.CreationTimestamp = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(++_created);
            copy.Status = new V1PodStatus { Phase = "Pending" };
            Pods[copy.Metadata.Name] = copy;
        }

        return Task.CompletedTask;
    }

    public Task UpdatePodAsync(V1Pod pod, CancellationToken cancellationToken)
    {
        Pods[pod.Metadata.Name] = ModelCopy.Clone(pod);
        return Task.CompletedTask;
    }

    public Task DeletePodAsync(V1Pod pod, CancellationToken cancellationToken)
    {
        lock (Pods)
        {
            Pods.Remove(pod.Metadata.Name);
        }

        return Task.CompletedTask;
    }

    public V1PersistentVolumeClaim? GetClaim(string ns, string name) => Claims.GetValueOrDefault(name);

    public Task CreateClaimAsync(V1PersistentVolumeClaim claim, CancellationToken cancellationToken)
    {
        lock (Claims)
        {
            var copy = ModelCopy.Clone(claim);
            copy.Metadata.Uid = "pvc-uid-" + claim.Metadata.Name;
            Claims[claim.Metadata.Name] = copy;
        }

        return Task.CompletedTask;
    }

    public Task UpdateClaimAsync(V1PersistentVolumeClaim claim, CancellationToken cancellationToken)
    {
        Claims[claim.Metadata.Name] = ModelCopy.Clone(claim);
        return Task.CompletedTask;
    }

    public Task<V1ControllerRevision> CreateRevisionAsync(V1ControllerRevision revision, CancellationToken cancellationToken)
    {
        if (Revisions.ContainsKey(revision.Metadata.Name))
        {
            throw FakeDeploymentActions.Error(HttpStatusCode.Conflict, "AlreadyExists", "exists");
        }

        var copy = ModelCopy.Clone(revision);
        copy.Metadata.CreationTimestamp = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(++_created);
        Revisions[copy.Metadata.Name] = copy;
        return Task.FromResult(ModelCopy.Clone(copy));
    }

    public Task<V1ControllerRevision> GetRevisionAsync(string ns, string name, CancellationToken cancellationToken) =>
        Task.FromResult(ModelCopy.Clone(Revisions[name]));

    public Task<V1ControllerRevision> UpdateRevisionAsync(V1ControllerRevision revision, CancellationToken cancellationToken)
    {
        Revisions[revision.Metadata.Name] = ModelCopy.Clone(revision);
        return Task.FromResult(ModelCopy.Clone(revision));
    }

    public Task DeleteRevisionAsync(V1ControllerRevision revision, CancellationToken cancellationToken)
    {
        Revisions.Remove(revision.Metadata.Name);
        return Task.CompletedTask;
    }

    public Task UpdateStatusAsync(V1StatefulSet set, CancellationToken cancellationToken)
    {
        Stored = ModelCopy.Clone(set);
        return Task.CompletedTask;
    }

    public void Event(V1StatefulSet set, string type, string reason, string message)
    {
        lock (Events)
        {
            Events.Add($"{type} {reason} {message}");
        }
    }

    /// <summary>The kubelet: every pod Running and Ready.</summary>
    public void RunAll()
    {
        foreach (var pod in Pods.Values.Where(p => p.Metadata.DeletionTimestamp is null))
        {
            pod.Status = new V1PodStatus
            {
                Phase = "Running",
                Conditions = [new V1PodCondition { Type = "Ready", Status = "True", LastTransitionTime = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc) }],
            };
        }
    }
}
