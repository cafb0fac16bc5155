using System.Globalization;
using k8s.Models;
using LocalKube.Node.Controllers.Job;
using LocalKube.Node.Controllers.Shared;

namespace LocalKube.Node.Controllers.Tests.Job;

/// <summary>An in-memory API server and kubelet for Job syncs (finalizers hold deleted pods, as upstream).</summary>
internal sealed class FakeJobActions(Func<DateTime> now) : IJobActions
{
    private int _next;

    public Dictionary<string, V1Pod> Pods { get; } = [];

    public List<string> Events { get; } = [];

    public V1Job? Stored { get; private set; }

    public HashSet<string> ExpectedRemoved { get; } = [];

    public int MaxActiveSeen { get; private set; }

    public Task<V1Pod> CreatePodAsync(V1Pod pod, CancellationToken cancellationToken)
    {
        lock (Pods)
        {
            var copy = ModelCopy.Clone(pod);
            var n = (++_next).ToString(CultureInfo.InvariantCulture);
            copy.Metadata.Name = pod.Metadata.GenerateName + "x" + n;
            copy.Metadata.Uid = "uid-" + n;
            copy.Metadata.NamespaceProperty = "default";
            copy.Metadata.CreationTimestamp = now();
            copy.Status = new V1PodStatus { Phase = "Pending" };
            Pods[copy.Metadata.Name] = copy;
            MaxActiveSeen = Math.Max(MaxActiveSeen, Pods.Values.Count(PodState.IsActive));
            return Task.FromResult(copy);
        }
    }

    public Task DeletePodAsync(V1Pod pod, CancellationToken cancellationToken)
    {
        lock (Pods)
        {
            if (Pods.TryGetValue(pod.Metadata.Name, out var stored))
            {
                if (stored.Metadata.Finalizers is { Count: > 0 })
                {
                    stored.Metadata.DeletionTimestamp = now();
                }
                else
                {
                    Pods.Remove(pod.Metadata.Name);
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task RemoveTrackingFinalizerAsync(V1Pod pod, CancellationToken cancellationToken)
    {
        lock (Pods)
        {
            if (Pods.TryGetValue(pod.Metadata.Name, out var stored))
            {
                stored.Metadata.Finalizers?.Remove(JobPods.TrackingFinalizer);
                if (stored.Metadata.DeletionTimestamp is not null && stored.Metadata.Finalizers is not { Count: > 0 })
                {
                    Pods.Remove(pod.Metadata.Name);
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task<V1Job> UpdateStatusAsync(V1Job job, CancellationToken cancellationToken)
    {
        Stored = ModelCopy.Clone(job);
        return Task.FromResult(ModelCopy.Clone(job));
    }

    public void Event(V1Job job, string type, string reason, string message)
    {
        lock (Events)
        {
            Events.Add($"{type} {reason} {message}");
        }
    }

    public void ExpectCreations(int count)
    {
    }

    public void CreationObserved()
    {
    }

    public void ExpectDeletions(int count)
    {
    }

    public void DeletionObserved()
    {
    }

    public void ExpectFinalizerRemoved(string podUid)
    {
        lock (ExpectedRemoved)
        {
            ExpectedRemoved.Add(podUid);
        }
    }

    public void FinalizerRemovalFailed(string podUid)
    {
        lock (ExpectedRemoved)
        {
            ExpectedRemoved.Remove(podUid);
        }
    }

    /// <summary>The kubelet: pending pods finish with the exit code <paramref name="exitCode"/> chooses; deleted ones stop.</summary>
    public void RunPods(Func<V1Pod, int> exitCode)
    {
        foreach (var pod in Pods.Values.ToList())
        {
            if (pod.Metadata.DeletionTimestamp is not null && !PodState.IsTerminal(pod))
            {
                pod.Status.Phase = "Failed";
                continue;
            }

            if (PodState.Phase(pod) != "Pending")
            {
                continue;
            }

            var code = exitCode(pod);
            pod.Status = new V1PodStatus
            {
                Phase = code == 0 ? "Succeeded" : "Failed",
                ContainerStatuses = [new V1ContainerStatus { Name = "c", State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = code, FinishedAt = now() } } }],
            };
        }
    }
}
