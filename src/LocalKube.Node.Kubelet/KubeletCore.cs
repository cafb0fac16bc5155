using System.Collections.Concurrent;
using k8s.Models;
using LocalKube.Node.Kubelet.Images;
using LocalKube.Node.Kubelet.Lifecycle;
using LocalKube.Node.Kubelet.Pods;
using LocalKube.Node.Kubelet.Probes;
using LocalKube.Node.Kubelet.Runtime;
using LocalKube.Node.Kubelet.Volumes;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Kubelet;

/// <summary>
/// The kubelet's pod machinery, independent of how pods arrive: fed pod events (from the API watch and the static
/// pod folder), it runs one worker per pod over the container runtime, probes, volumes, statuses, mirror pods and
/// garbage collection. <see cref="KubeletService"/> wires it to the API as the node's own identity.
/// </summary>
public sealed partial class KubeletCore : IAsyncDisposable
{
    private readonly IContainerRuntime _runtime;
    private readonly KubeletOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly PodManager _pods = new();
    private readonly StatusManager _statuses;
    private readonly PodWorkers _workers;
    private readonly PodSyncer _syncer;
    private readonly PodLifecycleEvents _pleg;
    private readonly ProbeManager _probes;
    private readonly ContainerGarbageCollector _gc;
    private readonly StaticPodSource? _staticPods;
    private readonly MirrorPodReconciler _mirrors;
    private readonly HttpProbe _http;
    private readonly IKubeletEventSink _events;
    private readonly Lock _admission = new();
    private readonly ConcurrentDictionary<string, byte> _rejected = new(StringComparer.Ordinal);
    private volatile bool _sourcesReady;

    /// <summary>Builds the kubelet over <paramref name="runtime"/>, writing through <paramref name="api"/>.</summary>
    public KubeletCore(IContainerRuntime runtime, IKubeletApi api, IKubeletEventSink events, KubeletOptions options, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(loggers);
        _runtime = runtime ?? throw new ArgumentNullException(nameof(runtime));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _events = events ?? throw new ArgumentNullException(nameof(events));
        _logger = loggers.CreateLogger("LocalKube.Node.Kubelet");
        var reader = new PodRuntimeReader(runtime);
        _statuses = new StatusManager(api, _pods, options, time, loggers.CreateLogger("LocalKube.Node.Kubelet.StatusManager"));
        _http = new HttpProbe(options.KubeVersion);
        var results = new ProbeResults();
        _probes = new ProbeManager(new Prober(runtime, _http, events), _statuses, results, time);
        var volumes = new VolumeManager(api, new TokenManager(api, time), options, time);
        _syncer = new PodSyncer(runtime, reader, _statuses, _probes, volumes, new ImageManager(runtime, events, time),
            new ContainerConfigFactory(api, volumes, options), new HookRunner(runtime, _http, time), events, new ReasonCache(), options, time,
            loggers.CreateLogger("LocalKube.Node.Kubelet.PodSyncer"));
        _workers = new PodWorkers(_pods, _syncer, options, time, loggers.CreateLogger("LocalKube.Node.Kubelet.PodWorkers"));
        _pleg = new PodLifecycleEvents(runtime, options, time, loggers.CreateLogger("LocalKube.Node.Kubelet.Pleg"));
        _gc = new ContainerGarbageCollector(runtime, reader, loggers.CreateLogger("LocalKube.Node.Kubelet.GC"));
        if (!string.IsNullOrEmpty(options.StaticPodPath))
        {
            _staticPods = new StaticPodSource(options.StaticPodPath, options.NodeName, time, loggers.CreateLogger("LocalKube.Node.Kubelet.StaticPods"));
            _staticPods.Changed += OnStaticPodsChanged;
        }

        _mirrors = new MirrorPodReconciler(api, _pods, () => (IReadOnlyCollection<V1Pod>?)_staticPods?.Pods.Values.ToList() ?? [], () => Node,
            loggers.CreateLogger("LocalKube.Node.Kubelet.MirrorPods"));
        _mirrors.MirrorCreated += _statuses.Invalidate;
        _pleg.Changed += OnRuntimeChanged;
        results.Changed += (uid, _) => _workers.Update(uid);
    }

    /// <summary>The latest status of every pod the kubelet runs.</summary>
    public IPodStatusSource Statuses => _statuses;

    /// <summary>The runtime this kubelet drives.</summary>
    public IContainerRuntime Runtime => _runtime;

    /// <summary>Whether the last runtime relist worked (the node is NotReady otherwise).</summary>
    public bool RuntimeHealthy => _pleg.Healthy;

    /// <summary>When the runtime was last listed successfully.</summary>
    public DateTimeOffset LastRelist => _pleg.LastRelist;

    /// <summary>The registered Node (owner of mirror pods).</summary>
    public V1Node? Node { get; set; }

    /// <summary>The pods the kubelet runs now (API and static pods), as received.</summary>
    public IReadOnlyCollection<V1Pod> Pods => _pods.All;

    /// <summary>Pods the kubelet should run right now.</summary>
    public int PodCount => _pods.All.Count;

    /// <summary>Sets the node's allocatable resources and memory (resourceFieldRef defaults, oom_score_adj).</summary>
    public void SetNodeResources(IDictionary<string, ResourceQuantity> allocatable, long memoryBytes) =>
        _syncer.Node = new NodeResources(allocatable, memoryBytes);

    /// <summary>A pod bound to this node was added in the API.</summary>
    public void OnPodAdded(V1Pod pod) => OnPodUpdated(pod);

    /// <summary>A pod bound to this node changed in the API.</summary>
    public void OnPodUpdated(V1Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (PodManager.IsMirror(pod))
        {
            _pods.SetMirror(pod);
            if (pod.Metadata.DeletionTimestamp is not null)
            {
                _mirrors.Trigger();
            }

            return;
        }

        if (pod.Spec?.NodeName != _options.NodeName)
        {
            return;
        }

        if (Rejected(pod))
        {
            return;
        }

        _pods.Set(pod);
        _workers.Update(pod.Metadata.Uid, pod);
    }

    /// <summary>A pod bound to this node left the API.</summary>
    public void OnPodDeleted(V1Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (PodManager.IsMirror(pod))
        {
            // Deleting a mirror pod only deletes that object: make it again; its containers keep running.
            _pods.RemoveMirror(pod);
            _mirrors.Trigger();
            return;
        }

        _rejected.TryRemove(pod.Metadata.Uid, out _);
        if (_pods.Remove(pod.Metadata.Uid))
        {
            _workers.Update(pod.Metadata.Uid, pod);
        }
    }

    /// <summary>The initial list of API pods has been delivered: runtime leftovers of unknown pods may now be removed.</summary>
    public void SetSourcesReady()
    {
        _sourcesReady = true;
        foreach (var uid in _pleg.KnownPods)
        {
            OnRuntimeChanged([uid]);
        }
    }

    /// <summary>Runs the kubelet's loops until the token ends; pods' containers keep running after it.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var loops = new List<Task>
        {
            _pleg.RunAsync(cancellationToken),
            _statuses.RunAsync(cancellationToken),
            _mirrors.RunAsync(cancellationToken),
            CollectGarbageAsync(cancellationToken),
        };
        if (_staticPods is not null)
        {
            loops.Add(_staticPods.RunAsync(cancellationToken));
        }

        await Task.WhenAll(loops).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _workers.DisposeAsync().ConfigureAwait(false);
        await _probes.DisposeAsync().ConfigureAwait(false);
        _http.Dispose();
    }

    /// <summary>
    /// Admits a pod the kubelet sees for the first time, or keeps a rejected one rejected: nothing of a rejected pod
    /// ever runs, its status is the rejection, and once it is deleted the status manager may remove it at once.
    /// </summary>
    private bool Rejected(V1Pod pod)
    {
        var uid = pod.Metadata.Uid;
        V1PodStatus? status;
        lock (_admission)
        {
            if (_rejected.ContainsKey(uid))
            {
                status = _statuses.GetStatus(uid);
            }
            else if (_pods.Get(uid) is not null || !NeedsAdmission(pod)
                || PodAdmission.Check(pod, _pods.Count, () => _pods.All.Where(IsActive), _syncer.Node.Allocatable) is not { } rejection)
            {
                return false;
            }
            else
            {
                _rejected[uid] = 0;
                _events.Record(pod, null, "Warning", rejection.Reason, rejection.Message);
                status = PodAdmission.RejectedStatus(pod, rejection);
            }

            _pods.Set(pod);
        }

        // Also for a later update of a rejected pod: the status entry follows the pod (its deletion timestamp).
        if (status is not null)
        {
            _statuses.SetPodStatus(pod, status);
        }

        if (pod.Metadata.DeletionTimestamp is not null)
        {
            _statuses.SetTerminated(uid);
        }

        return true;
    }

    // A pod a kubelet already started (before an agent restart) or that has finished is not admitted again.
    private static bool NeedsAdmission(V1Pod pod) =>
        pod.Metadata.DeletionTimestamp is null && pod.Status?.StartTime is null && pod.Status?.Phase is not ("Failed" or "Succeeded");

    // Upstream's active pods: admitted and not finished.
    private bool IsActive(V1Pod pod) =>
        !_rejected.ContainsKey(pod.Metadata.Uid)
        && (_statuses.GetStatus(pod.Metadata.Uid)?.Phase ?? pod.Status?.Phase) is not ("Failed" or "Succeeded");

    private void OnRuntimeChanged(IReadOnlyCollection<string> uids)
    {
        foreach (var uid in uids)
        {
            if (_pods.Get(uid) is not null || _workers.IsTerminating(uid) || _sourcesReady)
            {
                _workers.Update(uid);
            }
        }
    }

    private void OnStaticPodsChanged(IReadOnlyDictionary<string, V1Pod> current)
    {
        foreach (var pod in _pods.All.Where(p => PodManager.IsStatic(p) && !current.ContainsKey(p.Metadata.Uid)).ToList())
        {
            _pods.Remove(pod.Metadata.Uid);
            _workers.Update(pod.Metadata.Uid, pod);
            _mirrors.RemoveMirrorOf(pod.Metadata.Uid);
        }

        foreach (var pod in current.Values.Where(p => _pods.Get(p.Metadata.Uid) is null))
        {
            _pods.Set(pod);
            _workers.Update(pod.Metadata.Uid, pod);
        }

        _mirrors.Trigger();
    }

    private async Task CollectGarbageAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.GarbageCollectionPeriod, _time, cancellationToken).ConfigureAwait(false);
                await _gc.CollectAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (ContainerRuntimeException e)
            {
                Log.GcFailed(_logger, e.Message);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(2, LogLevel.Warning, "Container garbage collection failed: {Message}")]
        public static partial void GcFailed(ILogger logger, string message);
    }
}
