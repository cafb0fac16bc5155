using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;

namespace LocalKube.Node.Kubelet.Runtime.Simulated;

/// <summary>
/// A KWOK-style runtime: sandboxes and containers are records in memory that pass through the same states a real
/// engine reports (created, running, exited with a code), on timings scripted by pod annotations
/// (<see cref="SimulatedAnnotations"/>). No process runs, so the kubelet's own logic (phases, conditions, restarts,
/// back-off, init containers) is exercised unchanged at the scale of thousands of pods.
/// </summary>
public sealed class SimulatedRuntime : IContainerRuntime
{
    private const string ImageIdPrefix = "sha256:";
    private readonly object _lock = new();
    private readonly TimeProvider _time;
    private readonly Dictionary<string, SimSandbox> _sandboxes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SimulatedContainer> _containers = new(StringComparer.Ordinal);

    // Sandbox and container ids by pod UID: the kubelet reads one pod's objects on every sync, and scanning all of
    // them made a sync cost grow with the node's pod count (10,000 simulated pods).
    private readonly Dictionary<string, List<string>> _byPod = new(StringComparer.Ordinal);
    private readonly HashSet<string> _pulled = new(StringComparer.Ordinal);
    private readonly List<ChannelWriter<RuntimeEvent>> _watchers = [];
    private readonly PodAddressPool _addresses;
    private long _nextId;

    /// <summary>Creates the runtime; pod IPs come from <paramref name="podCidr"/>.</summary>
    public SimulatedRuntime(TimeProvider time, string podCidr = "10.244.0.0/16")
    {
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _addresses = new PodAddressPool(podCidr);
    }

    /// <inheritdoc />
    public string Type => "simulated";

    /// <inheritdoc />
    public bool IsSimulated => true;

    /// <summary>The number of containers held (any state), for tests and the bench.</summary>
    public int ContainerCount
    {
        get
        {
            lock (_lock)
            {
                return _containers.Count;
            }
        }
    }

    /// <inheritdoc />
    public Task<RuntimeInfo> GetInfoAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new RuntimeInfo(Type, "0.1.0", "v1", Environment.ProcessorCount, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, 0));

    /// <inheritdoc />
    public Task PrepareAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task<string> RunPodSandboxAsync(PodSandboxConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        lock (_lock)
        {
            var id = NewId();
            var ip = config.HostNetwork ? "" : _addresses.Allocate();
            _sandboxes[id] = new SimSandbox(id, config, _time.GetUtcNow(), ip);
            Index(config.Metadata.Uid, id);
            Publish(new RuntimeEvent(id, config.Metadata.Uid, RuntimeEventKind.Started));
            return Task.FromResult(id);
        }
    }

    /// <inheritdoc />
    public Task StopPodSandboxAsync(string sandboxId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_sandboxes.TryGetValue(sandboxId, out var sandbox) && sandbox.Ready)
            {
                sandbox.Ready = false;
                _addresses.Release(sandbox.Ip);
                Publish(new RuntimeEvent(sandboxId, sandbox.Config.Metadata.Uid, RuntimeEventKind.Died));
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task RemovePodSandboxAsync(string sandboxId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_sandboxes.Remove(sandboxId, out var sandbox))
            {
                Unindex(sandbox.Config.Metadata.Uid, sandboxId);
                if (sandbox.Ready)
                {
                    _addresses.Release(sandbox.Ip);
                }

                Publish(new RuntimeEvent(sandboxId, sandbox.Config.Metadata.Uid, RuntimeEventKind.Removed));
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<PodSandboxStatus> GetPodSandboxStatusAsync(string sandboxId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return _sandboxes.TryGetValue(sandboxId, out var sandbox)
                ? Task.FromResult(sandbox.Status())
                : throw new RuntimeObjectNotFoundException($"No such container: {sandboxId}");
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<PodSandboxStatus>> ListPodSandboxesAsync(string? podUid, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<PodSandboxStatus>>(Of(_sandboxes, podUid).Select(s => s.Status()).ToList());
        }
    }

    /// <inheritdoc />
    public Task<string> CreateContainerAsync(string sandboxId, ContainerConfig config, PodSandboxConfig sandbox, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(sandbox);
        lock (_lock)
        {
            if (!_sandboxes.TryGetValue(sandboxId, out var owner) || !owner.Ready)
            {
                throw new ContainerRuntimeException($"cannot join network of a non running container: {sandboxId}");
            }

            var id = NewId();
            _containers[id] = new SimulatedContainer
            {
                Id = id,
                SandboxId = sandboxId,
                Config = config,
                Pod = sandbox.Metadata,
                CreatedAt = _time.GetUtcNow(),
            };
            Index(sandbox.Metadata.Uid, id);
            Publish(new RuntimeEvent(id, sandbox.Metadata.Uid, RuntimeEventKind.Created));
            return Task.FromResult(id);
        }
    }

    /// <inheritdoc />
    public async Task StartContainerAsync(string containerId, CancellationToken cancellationToken)
    {
        SimulatedContainer container;
        IReadOnlyDictionary<string, string> annotations;
        lock (_lock)
        {
            container = Find(containerId);
            annotations = _sandboxes.TryGetValue(container.SandboxId, out var sandbox) ? sandbox.Config.Annotations : new Dictionary<string, string>();
        }

        var name = container.Config.Metadata.Name;
        if (SimulatedAnnotations.Duration(annotations, SimulatedAnnotations.StartDelay, name) is { } delay && delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }

        lock (_lock)
        {
            if (container.State != ContainerState.Created)
            {
                throw new ContainerRuntimeException($"container {containerId} is not in the created state");
            }

            var now = _time.GetUtcNow();
            container.State = ContainerState.Running;
            container.StartedAt = now;
            AppendLog(container, $"simulated container {name} started");
            Publish(new RuntimeEvent(containerId, container.Pod.Uid, RuntimeEventKind.Started));
            var run = SimulatedAnnotations.Duration(annotations, SimulatedAnnotations.RunDuration, name) ?? DefaultRun(container);
            var exitCode = SimulatedAnnotations.Int(annotations, SimulatedAnnotations.ExitCode, name, 0);
            if (run is { } r)
            {
                container.Timer = _time.CreateTimer(_ => Exit(container, exitCode), null, r, Timeout.InfiniteTimeSpan);
            }
            else if (SimulatedAnnotations.Duration(annotations, SimulatedAnnotations.LogInterval, name) is { } every && every > TimeSpan.Zero)
            {
                var count = 0;
                container.Timer = _time.CreateTimer(_ =>
                {
                    lock (_lock)
                    {
                        if (container.State == ContainerState.Running)
                        {
                            AppendLog(container, $"simulated log line {++count}");
                        }
                    }
                }, null, every, every);
            }
        }
    }

    /// <inheritdoc />
    public async Task StopContainerAsync(string containerId, TimeSpan gracePeriod, CancellationToken cancellationToken)
    {
        SimulatedContainer container;
        TimeSpan? delay;
        lock (_lock)
        {
            if (!_containers.TryGetValue(containerId, out container!) || container.State != ContainerState.Running)
            {
                return;
            }

            var annotations = _sandboxes.TryGetValue(container.SandboxId, out var sandbox) ? sandbox.Config.Annotations : new Dictionary<string, string>();
            delay = SimulatedAnnotations.Duration(annotations, SimulatedAnnotations.StopDelay, container.Config.Metadata.Name);
        }

        var killed = false;
        if (delay is { } d && d > TimeSpan.Zero)
        {
            killed = d > gracePeriod;
            await Task.Delay(killed ? gracePeriod : d, _time, cancellationToken).ConfigureAwait(false);
        }

        Exit(container, killed ? 137 : 0);
    }

    /// <inheritdoc />
    public Task RemoveContainerAsync(string containerId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_containers.Remove(containerId, out var container))
            {
                Unindex(container.Pod.Uid, containerId);
                container.Timer?.Dispose();
                CompleteFollowers(container);
                Publish(new RuntimeEvent(containerId, container.Pod.Uid, RuntimeEventKind.Removed));
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ContainerInfo>> ListContainersAsync(string? podUid, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<ContainerInfo>>(Of(_containers, podUid).Select(c => new ContainerInfo(
                c.Id, c.SandboxId, c.Config.Metadata, c.Pod.Uid, c.Pod.Name, c.Pod.Namespace, c.Config.Image, c.State, c.CreatedAt,
                c.Config.Labels, c.Config.Annotations)).ToList());
        }
    }

    /// <inheritdoc />
    public Task<ContainerStatusInfo> GetContainerStatusAsync(string containerId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var c = Find(containerId);
            return Task.FromResult(new ContainerStatusInfo
            {
                Id = c.Id,
                Metadata = c.Config.Metadata,
                State = c.State,
                CreatedAt = c.CreatedAt,
                StartedAt = c.StartedAt,
                FinishedAt = c.FinishedAt,
                ExitCode = c.ExitCode,
                Reason = c.State == ContainerState.Exited ? c.ExitCode == 0 ? "Completed" : "Error" : "",
                Image = c.Config.Image,
                ImageRef = $"{Type}://{ImageId(c.Config.Image)}",
                Labels = c.Config.Labels,
                Annotations = c.Config.Annotations,
                Mounts = c.Config.Mounts,
            });
        }
    }

    /// <inheritdoc />
    public Task<ExecSyncResult> ExecSyncAsync(string containerId, IReadOnlyList<string> command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var c = Find(containerId);
            if (c.State != ContainerState.Running)
            {
                throw new ContainerRuntimeException($"container {containerId} is not running");
            }

            var annotations = _sandboxes.TryGetValue(c.SandboxId, out var sandbox) ? sandbox.Config.Annotations : new Dictionary<string, string>();
            var code = SimulatedAnnotations.Int(annotations, SimulatedAnnotations.ExecExitCode, c.Config.Metadata.Name, 0);
            return Task.FromResult(new ExecSyncResult(code, "", code == 0 ? "" : $"simulated exec exited with {code}\n"));
        }
    }

    /// <inheritdoc />
    public Task<IRuntimeStreamSession> ExecAsync(string containerId, ExecOptions options, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var c = Find(containerId);
            if (c.State != ContainerState.Running)
            {
                throw new ContainerRuntimeException($"container {containerId} is not running");
            }

            var annotations = _sandboxes.TryGetValue(c.SandboxId, out var sandbox) ? sandbox.Config.Annotations : new Dictionary<string, string>();
            var code = SimulatedAnnotations.Int(annotations, SimulatedAnnotations.ExecExitCode, c.Config.Metadata.Name, 0);
            return Task.FromResult<IRuntimeStreamSession>(new SimulatedStreamSession(code, options.Stdin));
        }
    }

    /// <inheritdoc />
    public Task<IRuntimeStreamSession> AttachAsync(string containerId, AttachOptions options, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _ = Find(containerId);
            return Task.FromResult<IRuntimeStreamSession>(new SimulatedStreamSession(null, options.Stdin));
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<LogRecord> ReadLogsAsync(string containerId, LogOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<LogRecord> existing;
        Channel<LogRecord>? follow = null;
        lock (_lock)
        {
            var c = Find(containerId);
            existing = c.Log.Where(r => options.Since is null || r.Time >= options.Since).ToList();
            if (options.TailLines is { } tail)
            {
                existing = existing.Skip(Math.Max(0, existing.Count - tail)).ToList();
            }

            if (options.Follow && c.State is ContainerState.Running or ContainerState.Created)
            {
                follow = Channel.CreateUnbounded<LogRecord>();
                c.Followers.Add(follow.Writer);
            }
        }

        foreach (var record in existing)
        {
            yield return record;
        }

        if (follow is not null)
        {
            await foreach (var record in follow.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return record;
            }
        }
    }

    /// <inheritdoc />
    public Task<Stream> DialPodPortAsync(string sandboxId, int port, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_sandboxes.TryGetValue(sandboxId, out var sandbox) || !sandbox.Ready)
            {
                throw new ContainerRuntimeException($"pod sandbox {sandboxId} is not ready");
            }

            // A simulated pod echoes on the ports it declares; anything else is refused, as by a real one.
            var declared = SimulatedAnnotations.Get(sandbox.Config.Annotations, SimulatedAnnotations.EchoPorts, null)?
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
            return declared.Contains(port.ToString(CultureInfo.InvariantCulture))
                ? Task.FromResult<Stream>(new SimulatedEchoStream())
                : throw new ContainerRuntimeException($"failed to connect to localhost:{port} inside namespace \"{sandboxId}\", IPv4: dial tcp4 127.0.0.1:{port}: connect: connection refused");
        }
    }

    /// <inheritdoc />
    public Task<ImageInfo?> InspectImageAsync(string image, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(Unreachable(image) && !_pulled.Contains(image) ? null : Image(image));
        }
    }

    /// <inheritdoc />
    public Task<ImageInfo> PullImageAsync(string image, CancellationToken cancellationToken)
    {
        if (Unreachable(image))
        {
            var host = ImageReference.TryParse(image, out var reference, out _) ? reference!.Domain : image;
            throw new ImagePullException(
                $"Error response from daemon: Get \"https://{host}/v2/\": dial tcp: lookup {host}: no such host");
        }

        lock (_lock)
        {
            _pulled.Add(image);
        }

        return Task.FromResult(Image(image)!);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ImageInfo>> ListImagesAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var names = _containers.Values.Select(c => c.Config.Image).Concat(_pulled).Distinct(StringComparer.Ordinal);
            return Task.FromResult<IReadOnlyList<ImageInfo>>(names.Select(n => Image(n)!).ToList());
        }
    }

    /// <inheritdoc />
    public Task RemoveImageAsync(string image, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _pulled.Remove(image);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<ContainerStats?> GetContainerStatsAsync(string containerId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_containers.TryGetValue(containerId, out var c) || c.State != ContainerState.Running)
            {
                return Task.FromResult<ContainerStats?>(null);
            }

            // A small, steady footprint: 1 ms of CPU per second of life, 4 MiB of memory.
            var now = _time.GetUtcNow();
            var cpu = (ulong)Math.Max(0, (now - c.StartedAt!.Value).TotalMilliseconds) * 1000;
            return Task.FromResult<ContainerStats?>(new ContainerStats(containerId, now, cpu, 4 << 20, 4 << 20, 4 << 20, 0, 0, 0, 0));
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<RuntimeEvent> WatchEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateUnbounded<RuntimeEvent>(new UnboundedChannelOptions { SingleReader = true });
        lock (_lock)
        {
            _watchers.Add(channel.Writer);
        }

        try
        {
            await foreach (var e in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return e;
            }
        }
        finally
        {
            lock (_lock)
            {
                _watchers.Remove(channel.Writer);
            }
        }
    }

    private static bool Unreachable(string image) =>
        ImageReference.TryParse(image, out var reference, out _) && reference!.Domain.EndsWith(".invalid", StringComparison.OrdinalIgnoreCase);

    private static ImageInfo? Image(string image) =>
        new(ImageId(image), [image], [], 1 << 20, "");

    // A stable fake ID per name, so imageID is the same for every container of one image.
    private static string ImageId(string image) =>
        ImageIdPrefix + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(image)));

    // KWOK's defaults: init containers and Job pods' containers complete; everything else runs until stopped.
    private TimeSpan? DefaultRun(SimulatedContainer container)
    {
        if (container.Config.Annotations.TryGetValue(KubernetesLabels.ContainerType, out var type) && type == "init")
        {
            return TimeSpan.Zero;
        }

        lock (_lock)
        {
            var labels = _sandboxes.TryGetValue(container.SandboxId, out var sandbox) ? sandbox.Config.Labels : new Dictionary<string, string>();
            return type != "sidecar" && (labels.ContainsKey("batch.kubernetes.io/job-name") || labels.ContainsKey("job-name"))
                ? TimeSpan.Zero
                : null;
        }
    }

    private void Exit(SimulatedContainer container, int exitCode)
    {
        lock (_lock)
        {
            if (container.State != ContainerState.Running)
            {
                return;
            }

            container.Timer?.Dispose();
            container.Timer = null;
            container.State = ContainerState.Exited;
            container.ExitCode = exitCode;
            container.FinishedAt = _time.GetUtcNow();
            AppendLog(container, string.Create(CultureInfo.InvariantCulture, $"simulated container {container.Config.Metadata.Name} exited with code {exitCode}"));
            CompleteFollowers(container);
            Publish(new RuntimeEvent(container.Id, container.Pod.Uid, RuntimeEventKind.Died));
        }
    }

    private void AppendLog(SimulatedContainer container, string text)
    {
        var now = _time.GetUtcNow();
        var record = new LogRecord(now, now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'00Z'", CultureInfo.InvariantCulture),
            OutputStream.Stdout, Encoding.UTF8.GetBytes(text + "\n"));
        container.Log.Add(record);
        foreach (var follower in container.Followers)
        {
            follower.TryWrite(record);
        }
    }

    private static void CompleteFollowers(SimulatedContainer container)
    {
        foreach (var follower in container.Followers)
        {
            follower.TryComplete();
        }

        container.Followers.Clear();
    }

    private void Publish(RuntimeEvent e)
    {
        foreach (var watcher in _watchers)
        {
            watcher.TryWrite(e);
        }
    }

    private SimulatedContainer Find(string id) =>
        _containers.TryGetValue(id, out var c) ? c : throw new RuntimeObjectNotFoundException($"No such container: {id}");

    // The objects of one pod (or all, for null), in the order they were made, as a scan of the dictionary gives them.
    private IEnumerable<T> Of<T>(Dictionary<string, T> objects, string? podUid)
        where T : class
    {
        if (podUid is null)
        {
            return objects.Values;
        }

        return _byPod.TryGetValue(podUid, out var ids)
            ? ids.Select(id => objects.GetValueOrDefault(id)).OfType<T>()
            : [];
    }

    private void Index(string podUid, string id)
    {
        if (!_byPod.TryGetValue(podUid, out var ids))
        {
            _byPod[podUid] = ids = [];
        }

        ids.Add(id);
    }

    private void Unindex(string podUid, string id)
    {
        if (_byPod.TryGetValue(podUid, out var ids) && ids.Remove(id) && ids.Count == 0)
        {
            _byPod.Remove(podUid);
        }
    }

    private string NewId() => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
        BitConverter.GetBytes(Interlocked.Increment(ref _nextId)).Concat(Guid.NewGuid().ToByteArray()).ToArray()));

    private sealed class SimSandbox(string id, PodSandboxConfig config, DateTimeOffset created, string ip)
    {
        public PodSandboxConfig Config { get; } = config;

        public string Ip { get; } = ip;

        public bool Ready { get; set; } = true;

        public PodSandboxStatus Status() => new(id, Config.Metadata, Ready ? PodSandboxState.Ready : PodSandboxState.NotReady, created,
            Ready ? Ip : "", Config.Labels, Config.Annotations, Config.HostNetwork);
    }

    /// <summary>Hands out pod IPs from a CIDR, skipping the network and gateway addresses.</summary>
    private sealed class PodAddressPool
    {
        private readonly uint _base;
        private readonly uint _size;
        private readonly SortedSet<uint> _free = [];
        private uint _next = 2;

        public PodAddressPool(string cidr)
        {
            var parts = cidr.Split('/');
            var bytes = IPAddress.Parse(parts[0]).GetAddressBytes();
            _base = (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
            _size = 1u << (32 - int.Parse(parts[1], CultureInfo.InvariantCulture));
        }

        public string Allocate()
        {
            uint offset;
            if (_free.Count > 0)
            {
                offset = _free.Min;
                _free.Remove(offset);
            }
            else if (_next < _size - 1)
            {
                offset = _next++;
            }
            else
            {
                throw new ContainerRuntimeException("the simulated pod network has no free address");
            }

            var value = _base + offset;
            return $"{value >> 24}.{(value >> 16) & 255}.{(value >> 8) & 255}.{value & 255}";
        }

        public void Release(string ip)
        {
            if (!string.IsNullOrEmpty(ip) && IPAddress.TryParse(ip, out var address))
            {
                var b = address.GetAddressBytes();
                _free.Add((uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]) - _base);
            }
        }
    }
}
