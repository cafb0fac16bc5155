using System.Globalization;
using k8s.Models;
using LocalKube.Node.Controllers.ReplicaSet;
using LocalKube.Node.Controllers.Shared;

namespace LocalKube.Node.Controllers.Tests.ReplicaSet;

internal sealed class FakeReplicaSetActions : IReplicaSetActions
{
    private int _next;

    public List<V1Pod> Created { get; } = [];

    public List<string> Deleted { get; } = [];

    public List<string> Events { get; } = [];

    public V1ReplicaSet? Status { get; private set; }

    public int Expected { get; private set; }

    public List<string> ExpectedDeletes { get; } = [];

    public Func<V1Pod, Exception?>? FailCreate { get; set; }

    public Task<V1Pod> CreatePodAsync(V1Pod pod, CancellationToken cancellationToken)
    {
        lock (Created)
        {
            if (FailCreate?.Invoke(pod) is { } e)
            {
                throw e;
            }

            var copy = ModelCopy.Clone(pod);
            copy.Metadata.Name = pod.Metadata.GenerateName + (++_next).ToString(CultureInfo.InvariantCulture);
            Created.Add(copy);
            return Task.FromResult(copy);
        }
    }

    public Task DeletePodAsync(V1Pod pod, CancellationToken cancellationToken)
    {
        lock (Deleted)
        {
            Deleted.Add(pod.Metadata.Name);
        }

        return Task.CompletedTask;
    }

    public Task<V1ReplicaSet> UpdateStatusAsync(V1ReplicaSet replicaSet, CancellationToken cancellationToken)
    {
        Status = replicaSet;
        return Task.FromResult(replicaSet);
    }

    public void Event(string type, string reason, string message)
    {
        lock (Events)
        {
            Events.Add($"{type} {reason} {message}");
        }
    }

    public void ExpectCreations(int count) => Expected += count;

    public void CreationObserved() => Expected--;

    public void ExpectDeletions(IReadOnlyList<string> podKeys) => ExpectedDeletes.AddRange(podKeys);

    public void DeletionObserved(string podKey) => ExpectedDeletes.Remove(podKey);
}
