using System.Collections.Concurrent;
using System.Threading.Channels;
using k8s;
using k8s.Models;
using LocalKube.Node.Client.Informers;

namespace LocalKube.Node.Controllers.Tests.Support;

/// <summary>
/// A stand-in kubelet for controller tests, acting as <c>system:node:&lt;node&gt;</c>: pods bound to its node go
/// Running and Ready (or stay Pending, or run to an exit code) as <see cref="Behaviour"/> says, and pods being deleted
/// are removed at once, as a kubelet confirms a graceful delete.
/// </summary>
internal sealed class FakeKubelet : IAsyncDisposable
{
    private readonly Kubernetes _client;
    private readonly string _node;
    private readonly Channel<V1Pod> _work = Channel.CreateUnbounded<V1Pod>();
    private readonly ConcurrentDictionary<string, byte> _done = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly IDisposable _registration;

    public FakeKubelet(Kubernetes client, ISharedInformer<V1Pod> pods, string node)
    {
        _client = client;
        _node = node;
        _registration = pods.AddEventHandler(new ResourceEventHandler<V1Pod>((p, _) => Offer(p), (_, p) => Offer(p)));
        _loop = Task.WhenAll(Enumerable.Range(0, 4).Select(_ => RunAsync(_stop.Token)));
    }

    /// <summary>What a pod does once started: by default it runs and is Ready.</summary>
    public Func<V1Pod, PodOutcome> Behaviour { get; set; } = _ => PodOutcome.Running;

    public async ValueTask DisposeAsync()
    {
        _registration.Dispose();
        _work.Writer.TryComplete();
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private void Offer(V1Pod pod)
    {
        if (pod.Spec?.NodeName == _node)
        {
            _work.Writer.TryWrite(pod);
        }
    }

    private async Task RunAsync(CancellationToken ct)
    {
        await foreach (var pod in _work.Reader.ReadAllAsync(ct))
        {
            try
            {
                await HandleAsync(pod, ct);
            }
            catch (k8s.Autorest.HttpOperationException)
            {
                // Gone or changed meanwhile: the next event brings it back if it still matters.
            }
        }
    }

    private async Task HandleAsync(V1Pod pod, CancellationToken ct)
    {
        var ns = pod.Metadata.NamespaceProperty;
        var name = pod.Metadata.Name;
        if (pod.Metadata.DeletionTimestamp is not null)
        {
            if ((pod.Metadata.Finalizers?.Count ?? 0) == 0 || pod.Status?.Phase is "Succeeded" or "Failed")
            {
                await _client.CoreV1.DeleteNamespacedPodAsync(name, ns, new V1DeleteOptions { GracePeriodSeconds = 0, Preconditions = new V1Preconditions { Uid = pod.Metadata.Uid } }, cancellationToken: ct);
            }
            else
            {
                // Stop it: a killed container leaves a Failed pod, which its controller then counts and releases.
                await WriteStatusAsync(pod, PodOutcome.Exit(137), ct);
            }

            return;
        }

        if (pod.Status?.Phase is "Running" or "Succeeded" or "Failed" || !_done.TryAdd(pod.Metadata.Uid, 0))
        {
            return;
        }

        await WriteStatusAsync(pod, Behaviour(pod), ct);
    }

    private async Task WriteStatusAsync(V1Pod pod, PodOutcome outcome, CancellationToken ct)
    {
        if (outcome.StayPending)
        {
            return;
        }

        var now = DateTime.UtcNow;
        var copy = KubernetesJson.Deserialize<V1Pod>(KubernetesJson.Serialize(pod));
        var terminated = outcome.ExitCode is { } code ? new V1ContainerStateTerminated { ExitCode = code, FinishedAt = now, StartedAt = now, Reason = code == 0 ? "Completed" : "Error" } : null;
        copy.Status ??= new V1PodStatus();
        copy.Status.Phase = terminated is null ? "Running" : terminated.ExitCode == 0 ? "Succeeded" : "Failed";
        copy.Status.StartTime ??= now;
        copy.Status.Conditions =
        [
            new V1PodCondition { Type = "PodScheduled", Status = "True", LastTransitionTime = now },
            new V1PodCondition { Type = "Initialized", Status = "True", LastTransitionTime = now },
            new V1PodCondition { Type = "ContainersReady", Status = outcome.IsReady ? "True" : "False", LastTransitionTime = now },
            new V1PodCondition { Type = "Ready", Status = outcome.IsReady ? "True" : "False", LastTransitionTime = now },
        ];
        copy.Status.ContainerStatuses = copy.Spec.Containers.Select(c => new V1ContainerStatus
        {
            Name = c.Name,
            Image = c.Image,
            ImageID = "sha256:fake",
            Ready = outcome.IsReady,
            RestartCount = 0,
            Started = terminated is null,
            State = terminated is null ? new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = now } } : new V1ContainerState { Terminated = terminated },
        }).ToList();
        await _client.CoreV1.ReplaceNamespacedPodStatusAsync(copy, pod.Metadata.Name, pod.Metadata.NamespaceProperty, cancellationToken: ct);
    }
}

/// <summary>How a fake pod ends up.</summary>
/// <param name="IsReady">Running and Ready.</param>
/// <param name="ExitCode">Terminated with this code (Succeeded for 0, else Failed).</param>
/// <param name="StayPending">Never started.</param>
internal sealed record PodOutcome(bool IsReady, int? ExitCode, bool StayPending)
{
    public static PodOutcome Running { get; } = new(true, null, false);

    public static PodOutcome NotReady { get; } = new(false, null, false);

    public static PodOutcome Pending { get; } = new(false, null, true);

    public static PodOutcome Exit(int code) => new(false, code, false);
}
