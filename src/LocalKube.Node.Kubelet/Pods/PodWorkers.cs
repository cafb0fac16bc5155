using System.Collections.Concurrent;
using k8s.Models;
using LocalKube.Node.Kubelet.Runtime;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Kubelet.Pods;

/// <summary>
/// One serial worker per pod UID (upstream's pod workers): Syncing while the pod should run, Terminating once it is
/// deleted, removed or finished, Terminated after its containers stopped, and gone once the pod has left the API.
/// Work is triggered by pod updates, runtime changes and probe results, and also comes back at the sync period or
/// when a back-off ends. Different pods sync in parallel, a bounded number at a time.
/// </summary>
internal sealed partial class PodWorkers(
    PodManager pods,
    PodSyncer syncer,
    KubeletOptions options,
    TimeProvider time,
    ILogger logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Worker> _workers = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _parallel = new(options.MaxParallelPodSyncs);
    private readonly CancellationTokenSource _stop = new();

    /// <summary>Called when a worker finished with a pod that is gone (its runtime leftovers were cleaned up).</summary>
    public event Action<string>? PodFinished;

    /// <summary>The number of live workers.</summary>
    public int Count => _workers.Count;

    /// <summary>Whether the pod's worker is terminating or terminated.</summary>
    public bool IsTerminating(string uid) => _workers.TryGetValue(uid, out var w) && w.State != PodState.Syncing;

    /// <summary>Asks the pod's worker to work (starting one for a pod it does not know).</summary>
    public void Update(string uid, V1Pod? pod = null)
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        var worker = _workers.GetOrAdd(uid, u =>
        {
            var w = new Worker(u, pod ?? pods.Get(u));
            w.Task = Task.Run(() => RunAsync(w), CancellationToken.None);
            return w;
        });
        if (pod is not null)
        {
            worker.LastPod = pod;
        }

        worker.Signal();
    }

    /// <summary>Stops every worker (the pods' containers keep running: an agent restart adopts them).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_workers.Values.Select(w => w.Task ?? Task.CompletedTask)).ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task RunAsync(Worker worker)
    {
        var token = _stop.Token;
        var delay = TimeSpan.FromMilliseconds(500);
        while (!token.IsCancellationRequested)
        {
            try
            {
                await worker.WaitAsync(time, token).ConfigureAwait(false);
                var pod = pods.Get(worker.Uid);
                var removed = pod is null;
                pod ??= worker.LastPod;
                if (pod is null)
                {
                    // Runtime leftovers of a pod the kubelet never knew (e.g. deleted while the agent was down).
                    await WithSlotAsync(() => syncer.CleanUpAsync(worker.Uid, token), token).ConfigureAwait(false);
                    break;
                }

                worker.LastPod = pod;
                if (worker.State == PodState.Syncing && (removed || pod.Metadata.DeletionTimestamp is not null))
                {
                    worker.State = PodState.Terminating;
                }

                if (worker.State == PodState.Syncing)
                {
                    var result = await WithSlotAsync(() => syncer.SyncPodAsync(pod, token), token).ConfigureAwait(false);
                    if (result.Terminal)
                    {
                        worker.State = PodState.Terminating;
                        worker.Signal();
                    }
                    else
                    {
                        worker.WakeAt(result.RetryAt ?? time.GetUtcNow() + options.SyncFrequency, time);
                    }
                }
                else if (worker.State == PodState.Terminating)
                {
                    long? grace = removed ? Math.Max(1, pod.Metadata.DeletionGracePeriodSeconds ?? 1) : null;
                    await WithSlotAsync(() => syncer.SyncTerminatingPodAsync(pod, grace, token), token).ConfigureAwait(false);
                    worker.State = PodState.Terminated;
                    worker.Signal();
                }
                else
                {
                    if (!worker.TerminatedSynced)
                    {
                        await WithSlotAsync(() => syncer.SyncTerminatedPodAsync(pod, token), token).ConfigureAwait(false);
                        worker.TerminatedSynced = true;
                    }

                    if (removed)
                    {
                        await WithSlotAsync(() => syncer.CleanUpAsync(worker.Uid, token), token).ConfigureAwait(false);
                        break;
                    }

                    // Keep the final status flowing (the status manager's resync sends it) until the pod leaves the API.
                    worker.WakeAt(time.GetUtcNow() + options.SyncFrequency, time);
                }

                delay = TimeSpan.FromMilliseconds(500);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // A failed sync never kills the worker: it is retried with back-off (a runtime that went away included).
                Log.SyncFailed(logger, worker.LastPod is { } p ? PodManager.Describe(p) : worker.Uid, worker.State.ToString(), e.Message,
                    e is ContainerRuntimeException ? null : e);
                worker.WakeAt(time.GetUtcNow() + delay, time);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }

        _workers.TryRemove(worker.Uid, out _);
        if (!token.IsCancellationRequested)
        {
            PodFinished?.Invoke(worker.Uid);
        }
    }

    private async Task<T> WithSlotAsync<T>(Func<Task<T>> work, CancellationToken token)
    {
        await _parallel.WaitAsync(token).ConfigureAwait(false);
        try
        {
            return await work().ConfigureAwait(false);
        }
        finally
        {
            _parallel.Release();
        }
    }

    private Task WithSlotAsync(Func<Task> work, CancellationToken token) =>
        WithSlotAsync(async () =>
        {
            await work().ConfigureAwait(false);
            return true;
        }, token);

    private enum PodState
    {
        Syncing,
        Terminating,
        Terminated,
    }

    private sealed class Worker(string uid, V1Pod? pod)
    {
        private readonly SemaphoreSlim _signal = new(0, 1);
        private DateTimeOffset? _wakeAt;

        public string Uid { get; } = uid;

        public V1Pod? LastPod { get; set; } = pod;

        public PodState State { get; set; }

        public bool TerminatedSynced { get; set; }

        public Task? Task { get; set; }

        public void Signal()
        {
            if (_signal.CurrentCount == 0)
            {
                try
                {
                    _signal.Release();
                }
                catch (SemaphoreFullException)
                {
                    // Already signalled: the pending run will see the newest pod.
                }
            }
        }

        public void WakeAt(DateTimeOffset when, TimeProvider time)
        {
            lock (this)
            {
                _wakeAt = when;
            }
        }

        public async Task WaitAsync(TimeProvider time, CancellationToken token)
        {
            DateTimeOffset? wake;
            lock (this)
            {
                wake = _wakeAt;
            }

            if (wake is null)
            {
                await _signal.WaitAsync(token).ConfigureAwait(false);
                return;
            }

            var wait = wake.Value - time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(token);
                var timer = Task.Delay(wait, time, linked.Token);
                var signalled = _signal.WaitAsync(linked.Token);
                var first = await Task.WhenAny(timer, signalled).ConfigureAwait(false);
                await linked.CancelAsync().ConfigureAwait(false);
                token.ThrowIfCancellationRequested();
                if (first == timer)
                {
                    // The signal wait was cancelled; a signal that raced it stays in the semaphore for next time.
                    try
                    {
                        await signalled.ConfigureAwait(false);
                        Signal();
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }
            }
            else
            {
                // Consume a pending signal so it does not cause an immediate second run.
                _signal.Wait(0, CancellationToken.None);
            }

            lock (this)
            {
                _wakeAt = null;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Sync of pod {Pod} ({State}) failed, will retry: {Message}")]
        public static partial void SyncFailed(ILogger logger, string pod, string state, string message, Exception? exception);
    }
}
