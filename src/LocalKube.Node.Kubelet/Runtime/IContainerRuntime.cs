namespace LocalKube.Node.Kubelet.Runtime;

/// <summary>
/// What the kubelet needs from a container runtime, shaped like the CRI (sandboxes, containers, images, streaming,
/// stats) so a pod's whole state can be rebuilt from the runtime alone after an agent restart. Two implementations:
/// Docker (the node's own engine, cri-dockerd's mapping) and Simulated (KWOK-style, no processes).
/// </summary>
/// <remarks>
/// Errors: <see cref="RuntimeUnavailableException"/> when the engine does not answer (the node goes NotReady),
/// <see cref="RuntimeObjectNotFoundException"/> for a missing sandbox, container or image, <see cref="ImagePullException"/>
/// for a failed pull, and <see cref="ContainerRuntimeException"/> for any other refusal, with the engine's words.
/// Every method honours its token; transient engine failures are retried inside the implementation.
/// </remarks>
public interface IContainerRuntime
{
    /// <summary><c>docker</c> or <c>simulated</c>: the scheme of container IDs (<c>docker://…</c>).</summary>
    string Type { get; }

    /// <summary>True for the simulated runtime: nothing runs, so network probes have no one to talk to.</summary>
    bool IsSimulated { get; }

    /// <summary>The engine's version and facts (throws <see cref="RuntimeUnavailableException"/> when it is down).</summary>
    Task<RuntimeInfo> GetInfoAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Prepares the runtime for pods: the sandbox image is present (loaded from the node image if missing), the pod
    /// network exists. Idempotent; called at start and whenever the engine comes back.
    /// </summary>
    Task PrepareAsync(CancellationToken cancellationToken);

    /// <summary>Creates and starts a pod sandbox (it owns the pod's network and IPC namespaces); returns its ID.</summary>
    Task<string> RunPodSandboxAsync(PodSandboxConfig config, CancellationToken cancellationToken);

    /// <summary>Stops the sandbox (its containers must have been stopped first). Idempotent.</summary>
    Task StopPodSandboxAsync(string sandboxId, CancellationToken cancellationToken);

    /// <summary>Removes a stopped sandbox. Idempotent.</summary>
    Task RemovePodSandboxAsync(string sandboxId, CancellationToken cancellationToken);

    /// <summary>A sandbox's state and IP.</summary>
    Task<PodSandboxStatus> GetPodSandboxStatusAsync(string sandboxId, CancellationToken cancellationToken);

    /// <summary>Every pod sandbox this runtime holds for the kubelet (of one pod when <paramref name="podUid"/> is set), ready or not.</summary>
    Task<IReadOnlyList<PodSandboxStatus>> ListPodSandboxesAsync(string? podUid, CancellationToken cancellationToken);

    /// <summary>Creates (does not start) a container in <paramref name="sandboxId"/>; returns its ID.</summary>
    Task<string> CreateContainerAsync(string sandboxId, ContainerConfig config, PodSandboxConfig sandbox, CancellationToken cancellationToken);

    /// <summary>Starts a created container.</summary>
    Task StartContainerAsync(string containerId, CancellationToken cancellationToken);

    /// <summary>
    /// Sends the stop signal and, after <paramref name="gracePeriod"/>, SIGKILL; returns when the container has
    /// exited. Idempotent for exited containers.
    /// </summary>
    Task StopContainerAsync(string containerId, TimeSpan gracePeriod, CancellationToken cancellationToken);

    /// <summary>Removes an exited container (and its log). Idempotent.</summary>
    Task RemoveContainerAsync(string containerId, CancellationToken cancellationToken);

    /// <summary>Every kubelet-managed container (of one pod when <paramref name="podUid"/> is set; sandboxes excluded), in any state.</summary>
    Task<IReadOnlyList<ContainerInfo>> ListContainersAsync(string? podUid, CancellationToken cancellationToken);

    /// <summary>One container's full status: state, times, exit code and reason, image, mounts, log path.</summary>
    Task<ContainerStatusInfo> GetContainerStatusAsync(string containerId, CancellationToken cancellationToken);

    /// <summary>
    /// Runs a command in a running container and waits for it up to <paramref name="timeout"/> (exec probes and
    /// hooks). Output is capped; a timeout returns <see cref="ExecSyncResult.TimedOut"/>.
    /// </summary>
    Task<ExecSyncResult> ExecSyncAsync(string containerId, IReadOnlyList<string> command, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Starts an interactive command in a container (kubectl exec): streams, tty resize, exit code.</summary>
    Task<IRuntimeStreamSession> ExecAsync(string containerId, ExecOptions options, CancellationToken cancellationToken);

    /// <summary>Attaches to a running container's main process (kubectl attach).</summary>
    Task<IRuntimeStreamSession> AttachAsync(string containerId, AttachOptions options, CancellationToken cancellationToken);

    /// <summary>
    /// A container's log records, oldest first: the last <see cref="LogOptions.TailLines"/>, from
    /// <see cref="LogOptions.Since"/>, and, when following, new ones until the container stops or the token ends.
    /// Works for exited containers that have not been removed (the previous attempt).
    /// </summary>
    IAsyncEnumerable<LogRecord> ReadLogsAsync(string containerId, LogOptions options, CancellationToken cancellationToken);

    /// <summary>
    /// Opens a TCP connection to <paramref name="port"/> inside the sandbox's network namespace (kubectl
    /// port-forward): it reaches servers bound to the pod's 127.0.0.1 too.
    /// </summary>
    Task<Stream> DialPodPortAsync(string sandboxId, int port, CancellationToken cancellationToken);

    /// <summary>The image named <paramref name="image"/>, or null when it is not present.</summary>
    Task<ImageInfo?> InspectImageAsync(string image, CancellationToken cancellationToken);

    /// <summary>Pulls <paramref name="image"/>; throws <see cref="ImagePullException"/> with the registry's error.</summary>
    Task<ImageInfo> PullImageAsync(string image, CancellationToken cancellationToken);

    /// <summary>Every image present.</summary>
    Task<IReadOnlyList<ImageInfo>> ListImagesAsync(CancellationToken cancellationToken);

    /// <summary>Removes an image. Idempotent.</summary>
    Task RemoveImageAsync(string image, CancellationToken cancellationToken);

    /// <summary>CPU, memory and filesystem usage of a running container; null when it is not running.</summary>
    Task<ContainerStats?> GetContainerStatsAsync(string containerId, CancellationToken cancellationToken);

    /// <summary>
    /// Container lifecycle events (started, died, OOM, removed) as they happen, so the kubelet reacts without
    /// waiting for its next relist. Ends when the token is cancelled or the engine goes away (the caller re-subscribes).
    /// </summary>
    IAsyncEnumerable<RuntimeEvent> WatchEventsAsync(CancellationToken cancellationToken);
}
