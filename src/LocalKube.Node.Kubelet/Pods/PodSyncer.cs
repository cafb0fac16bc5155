using System.Globalization;
using k8s.Models;
using LocalKube.Node.Kubelet.Images;
using LocalKube.Node.Kubelet.Lifecycle;
using LocalKube.Node.Kubelet.Network;
using LocalKube.Node.Kubelet.Probes;
using LocalKube.Node.Kubelet.Runtime;
using LocalKube.Node.Kubelet.Status;
using LocalKube.Node.Kubelet.Volumes;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Kubelet.Pods;

/// <summary>
/// One pod's sync, as upstream's <c>SyncPod</c>, <c>SyncTerminatingPod</c> and <c>SyncTerminatedPod</c>: status from the
/// runtime, volumes, then the planned actions (sandbox, init containers, sidecars, app containers, kills), and the
/// status again; on termination, preStop and graceful stops (sidecars last), then the terminal status.
/// </summary>
internal sealed partial class PodSyncer
{
    private readonly IContainerRuntime _runtime;
    private readonly PodRuntimeReader _reader;
    private readonly StatusManager _statuses;
    private readonly ProbeManager _probes;
    private readonly VolumeManager _volumes;
    private readonly ImageManager _images;
    private readonly ContainerConfigFactory _configs;
    private readonly HookRunner _hooks;
    private readonly IKubeletEventSink _events;
    private readonly ReasonCache _reasons;
    private readonly Backoff _crashBackoff;
    private readonly KubeletOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lazy<DnsSettings> _nodeDns;

    public PodSyncer(
        IContainerRuntime runtime,
        PodRuntimeReader reader,
        StatusManager statuses,
        ProbeManager probes,
        VolumeManager volumes,
        ImageManager images,
        ContainerConfigFactory configs,
        HookRunner hooks,
        IKubeletEventSink events,
        ReasonCache reasons,
        KubeletOptions options,
        TimeProvider time,
        ILogger logger)
    {
        _runtime = runtime;
        _reader = reader;
        _statuses = statuses;
        _probes = probes;
        _volumes = volumes;
        _images = images;
        _configs = configs;
        _hooks = hooks;
        _events = events;
        _reasons = reasons;
        _options = options;
        _time = time;
        _logger = logger;
        _crashBackoff = Backoff.ForContainers(time);
        _nodeDns = new Lazy<DnsSettings>(() => ResolvConf.Parse(ReadOrEmpty(options.ResolvConf)));
    }

    /// <summary>Node allocatable and memory, for resourceFieldRef defaults and oom_score_adj (set by the node status).</summary>
    public NodeResources Node { get; set; } = NodeResources.Unknown;

    /// <summary>Syncs a pod that should run.</summary>
    public async Task<SyncResult> SyncPodAsync(V1Pod pod, CancellationToken cancellationToken)
    {
        var uid = pod.Metadata.Uid;
        var runtime = await _reader.ReadAsync(uid, cancellationToken).ConfigureAwait(false);
        var status = Generate(pod, runtime, terminal: false);
        _statuses.SetPodStatus(pod, status);
        if (status.Phase is "Succeeded" or "Failed")
        {
            return new SyncResult(true, null);
        }

        _probes.AddPod(pod);
        IReadOnlyDictionary<string, MountedVolume> volumes;
        try
        {
            volumes = await _volumes.SetUpAsync(pod, runtime.Ips, cancellationToken).ConfigureAwait(false);
        }
        catch (VolumeSetupException e)
        {
            _events.Record(pod, null, "Warning", "FailedMount", e.EventMessage);
            return new SyncResult(false, _time.GetUtcNow() + TimeSpan.FromSeconds(2));
        }

        var actions = PodActionsPlanner.Compute(pod, runtime, _probes.Results);
        var retryAt = await ApplyAsync(pod, runtime, actions, volumes, cancellationToken).ConfigureAwait(false);

        // With nothing done in the runtime (every periodic sync of a running pod), a second read would see what the
        // first saw; a change made meanwhile by someone else reaches the PLEG, which syncs the pod again.
        if (!actions.IsEmpty)
        {
            runtime = await _reader.ReadAsync(uid, cancellationToken).ConfigureAwait(false);
        }

        status = Generate(pod, runtime, terminal: false);
        _statuses.SetPodStatus(pod, status);
        return new SyncResult(status.Phase is "Succeeded" or "Failed", retryAt);
    }

    /// <summary>Stops everything of a pod: probes, containers (preStop, then the stop signal, sidecars last), the sandbox.</summary>
    public async Task SyncTerminatingPodAsync(V1Pod pod, long? gracePeriodOverride, CancellationToken cancellationToken)
    {
        var uid = pod.Metadata.Uid;
        await _probes.StopLivenessAndStartupAsync(uid).ConfigureAwait(false);
        var runtime = await _reader.ReadAsync(uid, cancellationToken).ConfigureAwait(false);
        _statuses.SetPodStatus(pod, Generate(pod, runtime, terminal: false));
        await KillPodAsync(pod, runtime, gracePeriodOverride, cancellationToken).ConfigureAwait(false);
        runtime = await _reader.ReadAsync(uid, cancellationToken).ConfigureAwait(false);
        _statuses.SetPodStatus(pod, Generate(pod, runtime, terminal: true));
        await _probes.RemovePodAsync(uid).ConfigureAwait(false);
    }

    /// <summary>Releases a terminated pod's resources and lets the status manager finish it.</summary>
    public async Task SyncTerminatedPodAsync(V1Pod pod, CancellationToken cancellationToken)
    {
        var uid = pod.Metadata.Uid;
        var runtime = await _reader.ReadAsync(uid, cancellationToken).ConfigureAwait(false);
        _statuses.SetPodStatus(pod, Generate(pod, runtime, terminal: true));
        _volumes.TearDown(uid);
        _statuses.SetTerminated(uid);
    }

    /// <summary>Removes what is left of a pod that is gone from the API: containers, sandboxes, folders, caches.</summary>
    public async Task CleanUpAsync(string uid, CancellationToken cancellationToken)
    {
        var containers = await _runtime.ListContainersAsync(uid, cancellationToken).ConfigureAwait(false);
        foreach (var container in containers)
        {
            if (container.State == ContainerState.Running)
            {
                // An orphan (its pod is unknown): stop it quickly.
                await _runtime.StopContainerAsync(container.Id, TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            }

            await _runtime.RemoveContainerAsync(container.Id, cancellationToken).ConfigureAwait(false);
            _reader.Forget(container.Id);
        }

        foreach (var sandbox in await _runtime.ListPodSandboxesAsync(uid, cancellationToken).ConfigureAwait(false))
        {
            await _runtime.StopPodSandboxAsync(sandbox.Id, cancellationToken).ConfigureAwait(false);
            await _runtime.RemovePodSandboxAsync(sandbox.Id, cancellationToken).ConfigureAwait(false);
        }

        _volumes.RemovePod(uid);
        _reasons.Remove(uid);
        await _probes.RemovePodAsync(uid).ConfigureAwait(false);
        _statuses.Remove(uid);
        if (_options.MaterializeFiles)
        {
            foreach (var dir in Directory.Exists(_options.PodLogDirectory)
                ? Directory.EnumerateDirectories(_options.PodLogDirectory, $"*_{uid}")
                : [])
            {
                TryDelete(dir);
            }
        }
    }

    /// <summary>The status of <paramref name="pod"/> from <paramref name="runtime"/>.</summary>
    public V1PodStatus Generate(V1Pod pod, PodRuntimeStatus runtime, bool terminal) =>
        PodStatusGenerator.Generate(new PodStatusInput
        {
            Pod = pod,
            Previous = _statuses.GetStatus(pod.Metadata.Uid),
            Runtime = runtime,
            RuntimeType = _runtime.Type,
            WaitingReasons = _reasons.For(pod.Metadata.Uid),
            Probes = _probes.Results,
            PodIsTerminal = terminal,
            HostIps = _options.NodeIps,
            Now = _time.GetUtcNow(),
        });

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path) : "";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Tried again at the next cleanup.
        }
    }

    private static string Itoa(long value) => value.ToString(CultureInfo.InvariantCulture);
}
