using k8s.Models;

namespace LocalKube.Node.Kubelet.Probes;

/// <summary>
/// One container's probe of one kind (<c>k8s: pkg/kubelet/prober/worker.go</c>): waits initialDelaySeconds from
/// startedAt, runs every periodSeconds, flips the stored result after failureThreshold or successThreshold identical
/// outcomes in a row (prober errors are not counted), runs only the startup probe before the container has started,
/// stops liveness and startup during deletion, and holds after a liveness or startup failure until a new container
/// instance appears. Initial results: readiness fails, liveness passes, startup unknown.
/// </summary>
public sealed class ProbeWorker
{
    private readonly ProbeKind _kind;
    private readonly V1Container _container;
    private readonly V1Probe _probe;
    private readonly IPodStatusSource _statuses;
    private readonly ProbeResults _results;
    private readonly Func<V1Pod, string, string, CancellationToken, Task<bool?>> _run;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _trigger = new(0, 1);
    private string _containerId = "";
    private bool? _lastResult;
    private int _resultRun;
    private bool _onHold;

    /// <summary>Creates the worker.</summary>
    /// <param name="kind">Which probe.</param>
    /// <param name="pod">The pod (replaced by <see cref="UpdatePod"/>).</param>
    /// <param name="container">The container.</param>
    /// <param name="probe">Its probe spec of <paramref name="kind"/>.</param>
    /// <param name="statuses">The kubelet's pod statuses.</param>
    /// <param name="results">Where results go.</param>
    /// <param name="run">Runs the probe: (pod, pod IP, container ID) → passed, failed or null on a prober error.</param>
    /// <param name="time">The clock.</param>
    public ProbeWorker(ProbeKind kind, V1Pod pod, V1Container container, V1Probe probe, IPodStatusSource statuses, ProbeResults results,
        Func<V1Pod, string, string, CancellationToken, Task<bool?>> run, TimeProvider time)
    {
        _kind = kind;
        Pod = pod;
        _container = container;
        _probe = probe;
        _statuses = statuses;
        _results = results;
        _run = run;
        _time = time;
    }

    /// <summary>The pod as last seen (deletion and annotations are read from it).</summary>
    public V1Pod Pod { get; private set; }

    /// <summary>The probe period.</summary>
    public TimeSpan Period => TimeSpan.FromSeconds(_probe.PeriodSeconds is > 0 ? _probe.PeriodSeconds.Value : 10);

    private string Uid => Pod.Metadata?.Uid ?? "";

    private bool? InitialValue => _kind switch
    {
        ProbeKind.Readiness => false,
        ProbeKind.Liveness => true,
        _ => null,
    };

    /// <summary>Replaces the pod (a newer version from the API).</summary>
    public void UpdatePod(V1Pod pod) => Pod = pod;

    /// <summary>Asks for a run now (e.g. a readiness probe that has not run yet when status is computed).</summary>
    public void Trigger()
    {
        if (_trigger.CurrentCount == 0)
        {
            try
            {
                _trigger.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already triggered.
            }
        }
    }

    /// <summary>Probes every period until the token ends or the worker has nothing left to do.</summary>
    public async Task RunAsync(TimeSpan initialJitter, CancellationToken cancellationToken)
    {
        try
        {
            if (initialJitter > TimeSpan.Zero)
            {
                await Task.Delay(initialJitter, _time, cancellationToken).ConfigureAwait(false);
            }

            while (await DoProbeAsync(cancellationToken).ConfigureAwait(false))
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var delay = Task.Delay(Period, _time, wait.Token);
                var triggered = _trigger.WaitAsync(wait.Token);
                await Task.WhenAny(delay, triggered).ConfigureAwait(false);
                await wait.CancelAsync().ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped with its pod or the kubelet.
        }
        finally
        {
            if (_containerId.Length > 0)
            {
                _results.Set(_containerId, _kind, null, Uid);
            }
        }
    }

    /// <summary>One round (upstream's doProbe); false when the worker should stop.</summary>
    public async Task<bool> DoProbeAsync(CancellationToken cancellationToken)
    {
        var status = _statuses.GetStatus(Uid);
        if (status is null)
        {
            return true;
        }

        if (status.Phase is "Failed" or "Succeeded")
        {
            return false;
        }

        var cs = (status.ContainerStatuses ?? []).Concat(status.InitContainerStatuses ?? []).FirstOrDefault(c => c.Name == _container.Name);
        if (cs is null || string.IsNullOrEmpty(cs.ContainerID))
        {
            return true;
        }

        var id = ParseId(cs.ContainerID);
        if (id != _containerId)
        {
            if (_containerId.Length > 0)
            {
                _results.Set(_containerId, _kind, null, Uid);
            }

            _containerId = id;
            _results.Set(id, _kind, InitialValue, Uid);
            _onHold = false;
            _lastResult = null;
            _resultRun = 0;
        }

        if (_onHold)
        {
            return true;
        }

        if (cs.State?.Running is not { } running)
        {
            _results.Set(_containerId, _kind, false, Uid);
            return cs.State?.Terminated is null || (Pod.Spec?.RestartPolicy ?? "Always") != "Never";
        }

        if (Pod.Metadata?.DeletionTimestamp is not null && _kind is ProbeKind.Liveness or ProbeKind.Startup)
        {
            _results.Set(_containerId, _kind, true, Uid);
            return false;
        }

        if (running.StartedAt is { } startedAt
            && (_time.GetUtcNow() - new DateTimeOffset(DateTime.SpecifyKind(startedAt, DateTimeKind.Utc))).TotalSeconds < (_probe.InitialDelaySeconds ?? 0))
        {
            return true;
        }

        if (cs.Started == true)
        {
            if (_kind == ProbeKind.Startup)
            {
                return true;
            }
        }
        else if (_kind != ProbeKind.Startup)
        {
            return true;
        }

        var result = await _run(Pod, status.PodIP ?? "", _containerId, cancellationToken).ConfigureAwait(false);
        if (result is null)
        {
            return true;
        }

        if (_lastResult == result)
        {
            _resultRun++;
        }
        else
        {
            _lastResult = result;
            _resultRun = 1;
        }

        var failureThreshold = _probe.FailureThreshold is > 0 ? _probe.FailureThreshold.Value : 3;
        var successThreshold = _probe.SuccessThreshold is > 0 ? _probe.SuccessThreshold.Value : 1;
        if ((result == false && _resultRun < failureThreshold) || (result == true && _resultRun < successThreshold))
        {
            return true;
        }

        _results.Set(_containerId, _kind, result, Uid);
        if (_kind is ProbeKind.Liveness or ProbeKind.Startup && result == false)
        {
            // Hold until a new instance: exec into a container being stopped can confuse the engine (upstream #21751).
            _onHold = true;
            _resultRun = 0;
        }

        return true;
    }

    private static string ParseId(string containerId)
    {
        var i = containerId.IndexOf("://", StringComparison.Ordinal);
        return i >= 0 ? containerId[(i + 3)..] : containerId;
    }
}
