using System.Collections.Concurrent;
using k8s.Models;

namespace LocalKube.Node.Kubelet.Probes;

/// <summary>
/// One <see cref="ProbeWorker"/> per container and probe kind of every running pod (upstream's prober manager).
/// Workers start when a pod is first synced, liveness and startup stop during deletion, all stop with the pod.
/// </summary>
public sealed class ProbeManager(Prober prober, IPodStatusSource statuses, ProbeResults results, TimeProvider time) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<(string Uid, string Container, ProbeKind Kind), Running> _workers = new();
    private readonly DateTimeOffset _started = time.GetUtcNow();

    /// <summary>The results the workers write.</summary>
    public ProbeResults Results => results;

    /// <summary>Starts the workers of <paramref name="pod"/>'s probes that do not run yet; updates the others' pod.</summary>
    public void AddPod(V1Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var uid = pod.Metadata.Uid;
        var containers = (pod.Spec?.Containers ?? []).Concat((pod.Spec?.InitContainers ?? []).Where(Status.PodSpecFacts.IsSidecar));
        foreach (var container in containers)
        {
            Add(pod, uid, container, ProbeKind.Startup, container.StartupProbe);
            Add(pod, uid, container, ProbeKind.Readiness, container.ReadinessProbe);
            Add(pod, uid, container, ProbeKind.Liveness, container.LivenessProbe);
        }
    }

    /// <summary>Stops the liveness and startup workers of a terminating pod (readiness keeps running).</summary>
    public async Task StopLivenessAndStartupAsync(string uid)
    {
        foreach (var key in _workers.Keys.Where(k => k.Uid == uid && k.Kind != ProbeKind.Readiness).ToList())
        {
            await StopAsync(key).ConfigureAwait(false);
        }
    }

    /// <summary>Stops every worker of a pod.</summary>
    public async Task RemovePodAsync(string uid)
    {
        foreach (var key in _workers.Keys.Where(k => k.Uid == uid).ToList())
        {
            await StopAsync(key).ConfigureAwait(false);
        }
    }

    /// <summary>Asks the readiness workers of a pod to probe now.</summary>
    public void TriggerReadiness(string uid)
    {
        foreach (var (key, running) in _workers)
        {
            if (key.Uid == uid && key.Kind == ProbeKind.Readiness)
            {
                running.Worker.Trigger();
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var key in _workers.Keys.ToList())
        {
            await StopAsync(key).ConfigureAwait(false);
        }
    }

    private void Add(V1Pod pod, string uid, V1Container container, ProbeKind kind, V1Probe? probe)
    {
        var key = (uid, container.Name, kind);
        if (probe is null)
        {
            return;
        }

        if (_workers.TryGetValue(key, out var existing))
        {
            existing.Worker.UpdatePod(pod);
            return;
        }

        var worker = new ProbeWorker(kind, pod, container, probe, statuses, results,
            (p, ip, id, ct) => prober.ProbeAsync(kind, p, ip, container, probe, id, ct), time);

        // After a kubelet restart, spread the first probes over a period instead of running them all at once.
        var jitter = time.GetUtcNow() - _started < worker.Period
            ? TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * worker.Period.TotalMilliseconds)
            : TimeSpan.Zero;
        var stop = new CancellationTokenSource();
        var running = new Running(worker, stop);
        if (_workers.TryAdd(key, running))
        {
            running.Task = Task.Run(() => worker.RunAsync(jitter, stop.Token), CancellationToken.None);
        }
        else
        {
            stop.Dispose();
        }
    }

    private async Task StopAsync((string, string, ProbeKind) key)
    {
        if (!_workers.TryRemove(key, out var running))
        {
            return;
        }

        await running.Stop.CancelAsync().ConfigureAwait(false);
        if (running.Task is { } task)
        {
            await task.ConfigureAwait(false);
        }

        running.Stop.Dispose();
    }

    private sealed class Running(ProbeWorker worker, CancellationTokenSource stop)
    {
        public ProbeWorker Worker { get; } = worker;

        public CancellationTokenSource Stop { get; } = stop;

        public Task? Task { get; set; }
    }
}
