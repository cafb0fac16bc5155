using System.Net;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Kubelet.Runtime.Docker;

/// <summary>
/// <see cref="IContainerRuntime"/> over the node's own Docker Engine, with cri-dockerd's mapping: a pause sandbox per
/// pod on the pod network, containers joining its network and IPC namespaces, upstream's names and labels (so a
/// restarted agent finds everything again), json-file logs rotated at 10 MiB × 5, linked from <c>/var/log/pods</c>.
/// </summary>
public sealed partial class DockerRuntime : IContainerRuntime, IDisposable
{
    private readonly DockerApi _api;
    private readonly ILogger<DockerRuntime> _logger;

    /// <summary>Creates the runtime; nothing is contacted until the first call.</summary>
    public DockerRuntime(DockerRuntimeOptions options, ILogger<DockerRuntime> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _api = new DockerApi(options.OomScoreAdjFloor is null ? options with { OomScoreAdjFloor = OomScoreFloor.OfThisProcess() } : options);
        _logger = logger;
    }

    /// <inheritdoc />
    public string Type => "docker";

    /// <inheritdoc />
    public bool IsSimulated => false;

    private DockerRuntimeOptions Options => _api.Options;

    /// <inheritdoc />
    public async Task<RuntimeInfo> GetInfoAsync(CancellationToken cancellationToken)
    {
        var version = await _api.CallAsync((c, ct) => c.System.GetVersionAsync(ct), cancellationToken).ConfigureAwait(false);
        var info = await _api.CallAsync((c, ct) => c.System.GetSystemInfoAsync(ct), cancellationToken).ConfigureAwait(false);
        var cgroup = int.TryParse(info.CgroupVersion, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : 0;
        return new RuntimeInfo(Type, version.Version, version.APIVersion, (int)info.NCPU, info.MemTotal, cgroup);
    }

    /// <inheritdoc />
    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        await EnsureSandboxImageAsync(cancellationToken).ConfigureAwait(false);
        await EnsurePodNetworkAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<string> RunPodSandboxAsync(PodSandboxConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        var parameters = DockerCreateParameters.Sandbox(config, Options);
        var id = await CreateAsync(parameters, cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(config.LogDirectory))
        {
            Directory.CreateDirectory(config.LogDirectory);
        }

        try
        {
            await _api.CallAsync((c, ct) => c.Containers.StartContainerAsync(id, new ContainerStartParameters(), ct), cancellationToken).ConfigureAwait(false);
        }
        catch (ContainerRuntimeException)
        {
            // A sandbox that cannot start is useless: remove it so the next attempt starts clean.
            await RemoveQuietlyAsync(id).ConfigureAwait(false);
            throw;
        }

        return id;
    }

    /// <inheritdoc />
    public async Task StopPodSandboxAsync(string sandboxId, CancellationToken cancellationToken)
    {
        try
        {
            // pause exits at once on SIGTERM; the grace only covers a stuck engine.
            await _api.CallAsync((c, ct) => c.Containers.StopContainerAsync(sandboxId, new ContainerStopParameters { WaitBeforeKillSeconds = 2 }, ct),
                cancellationToken).ConfigureAwait(false);
        }
        catch (RuntimeObjectNotFoundException)
        {
            // Already gone.
        }
    }

    /// <inheritdoc />
    public Task RemovePodSandboxAsync(string sandboxId, CancellationToken cancellationToken) =>
        RemoveAsync(sandboxId, cancellationToken);

    /// <inheritdoc />
    public async Task<PodSandboxStatus> GetPodSandboxStatusAsync(string sandboxId, CancellationToken cancellationToken)
    {
        var inspect = await _api.CallAsync((c, ct) => c.Containers.InspectContainerAsync(sandboxId, ct), cancellationToken).ConfigureAwait(false);
        return DockerStatusConverter.Sandbox(inspect, Options.PodNetwork);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PodSandboxStatus>> ListPodSandboxesAsync(string? podUid, CancellationToken cancellationToken)
    {
        var list = await ListAsync(DockerLabelKeys.TypeSandbox, podUid, cancellationToken).ConfigureAwait(false);
        return list.Select(e => DockerStatusConverter.Sandbox(e, Options.PodNetwork)).ToList();
    }

    /// <inheritdoc />
    public async Task<string> CreateContainerAsync(string sandboxId, ContainerConfig config, PodSandboxConfig sandbox, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(sandbox);
        var id = await CreateAsync(DockerCreateParameters.Container(sandboxId, config, sandbox, Options), cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(config.LogPath))
        {
            await LinkLogAsync(id, config.LogPath, cancellationToken).ConfigureAwait(false);
        }

        return id;
    }

    /// <inheritdoc />
    public Task StartContainerAsync(string containerId, CancellationToken cancellationToken) =>
        _api.CallAsync((c, ct) => c.Containers.StartContainerAsync(containerId, new ContainerStartParameters(), ct), cancellationToken);

    /// <inheritdoc />
    public async Task StopContainerAsync(string containerId, TimeSpan gracePeriod, CancellationToken cancellationToken)
    {
        var seconds = (uint)Math.Max(0, Math.Ceiling(gracePeriod.TotalSeconds));
        try
        {
            // Docker sends the image's STOPSIGNAL (SIGTERM by default), waits, then SIGKILLs; the call returns once it exited.
            await _api.CallAsync((c, ct) => c.Containers.StopContainerAsync(containerId, new ContainerStopParameters { WaitBeforeKillSeconds = seconds }, ct),
                cancellationToken).ConfigureAwait(false);
        }
        catch (RuntimeObjectNotFoundException)
        {
            // Already gone.
        }
    }

    /// <inheritdoc />
    public async Task RemoveContainerAsync(string containerId, CancellationToken cancellationToken)
    {
        string? logPath = null;
        try
        {
            var inspect = await _api.CallAsync((c, ct) => c.Containers.InspectContainerAsync(containerId, ct), cancellationToken).ConfigureAwait(false);
            logPath = inspect.Config?.Labels?.Get(DockerLabelKeys.LogPath);
        }
        catch (RuntimeObjectNotFoundException)
        {
            return;
        }

        await RemoveAsync(containerId, cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(logPath))
        {
            TryDelete(logPath);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ContainerInfo>> ListContainersAsync(string? podUid, CancellationToken cancellationToken)
    {
        var list = await ListAsync(DockerLabelKeys.TypeContainer, podUid, cancellationToken).ConfigureAwait(false);
        return list.Select(DockerStatusConverter.Container).ToList();
    }

    /// <inheritdoc />
    public async Task<ContainerStatusInfo> GetContainerStatusAsync(string containerId, CancellationToken cancellationToken)
    {
        var inspect = await _api.CallAsync((c, ct) => c.Containers.InspectContainerAsync(containerId, ct), cancellationToken).ConfigureAwait(false);
        ImageInspectResponse? image = null;
        try
        {
            image = await _api.CallAsync((c, ct) => c.Images.InspectImageAsync(inspect.Image, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (RuntimeObjectNotFoundException)
        {
            // The image was removed after the container was made; report its ID alone.
        }

        return DockerStatusConverter.Container(inspect, image);
    }

    /// <inheritdoc />
    public async Task<ContainerStats?> GetContainerStatsAsync(string containerId, CancellationToken cancellationToken)
    {
        ContainerStatsResponse? sample = null;
        try
        {
            await _api.CallOnceAsync(async (c, ct) =>
            {
                await c.Containers.GetContainerStatsAsync(containerId, new ContainerStatsParameters { Stream = false, OneShot = true },
                    new Progress(s => sample = s), ct).ConfigureAwait(false);
                return true;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (RuntimeObjectNotFoundException)
        {
            return null;
        }

        return sample is null || sample.Read == default ? null : DockerStats.Convert(containerId, sample);
    }

    /// <inheritdoc />
    public void Dispose() => _api.Dispose();

    private async Task<string> CreateAsync(CreateContainerParameters parameters, CancellationToken cancellationToken)
    {
        try
        {
            var created = await _api.CallAsync((c, ct) => c.Containers.CreateContainerAsync(parameters, ct), cancellationToken).ConfigureAwait(false);
            foreach (var warning in created.Warnings ?? [])
            {
                Log.CreateWarning(_logger, parameters.Name, warning);
            }

            return created.ID;
        }
        catch (ContainerRuntimeException e) when (e.InnerException is global::Docker.DotNet.DockerApiException { StatusCode: HttpStatusCode.Conflict })
        {
            // The name is taken: a previous attempt's create succeeded but its answer was lost (the retry saw the
            // conflict), or a leftover from a crash. An unstarted leftover with our labels is the same container.
            var existing = await _api.CallAsync((c, ct) => c.Containers.InspectContainerAsync(parameters.Name, ct), cancellationToken).ConfigureAwait(false);
            if (existing.State?.Status == "created")
            {
                return existing.ID;
            }

            throw;
        }
    }

    private async Task RemoveAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await _api.CallAsync((c, ct) => c.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, ct),
                cancellationToken).ConfigureAwait(false);
        }
        catch (RuntimeObjectNotFoundException)
        {
            // Already gone.
        }
        catch (ContainerRuntimeException e) when (e.Message.Contains("already in progress", StringComparison.OrdinalIgnoreCase))
        {
            // Another remove of the same container is running.
        }
    }

    private async Task RemoveQuietlyAsync(string id)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await RemoveAsync(id, cts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ContainerRuntimeException or OperationCanceledException)
        {
            Log.CleanupFailed(_logger, id, e.Message);
        }
    }

    private Task<IList<ContainerListResponse>> ListAsync(string type, string? podUid, CancellationToken cancellationToken)
    {
        var labels = new Dictionary<string, bool> { [$"{DockerLabelKeys.Type}={type}"] = true };
        if (!string.IsNullOrEmpty(podUid))
        {
            labels[$"{KubernetesLabels.PodUid}={podUid}"] = true;
        }

        return _api.CallAsync((c, ct) => c.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = labels },
        }, ct), cancellationToken);
    }

    // cri-dockerd links the kubelet's log path to Docker's json-file, so tools that read /var/log/pods find it.
    private async Task LinkLogAsync(string id, string logPath, CancellationToken cancellationToken)
    {
        try
        {
            var inspect = await _api.CallAsync((c, ct) => c.Containers.InspectContainerAsync(id, ct), cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrEmpty(inspect.LogPath))
            {
                return;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
            TryDelete(logPath);
            File.CreateSymbolicLink(logPath, inspect.LogPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.LogLinkFailed(_logger, logPath, e.Message);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a stale link is harmless.
        }
    }

    private sealed class Progress(Action<ContainerStatsResponse> report) : IProgress<ContainerStatsResponse>
    {
        public void Report(ContainerStatsResponse value) => report(value);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Docker warned when creating {Name}: {Warning}")]
        public static partial void CreateWarning(ILogger logger, string name, string warning);

        [LoggerMessage(2, LogLevel.Warning, "Could not remove container {Id}: {Message}")]
        public static partial void CleanupFailed(ILogger logger, string id, string message);

        [LoggerMessage(3, LogLevel.Warning, "Could not link the log {Path}: {Message}")]
        public static partial void LogLinkFailed(ILogger logger, string path, string message);

        [LoggerMessage(4, LogLevel.Information, "Loaded the sandbox image {Image} from {Archive}")]
        public static partial void SandboxImageLoaded(ILogger logger, string image, string archive);

        [LoggerMessage(5, LogLevel.Information, "Created the pod network {Network} ({Cidr})")]
        public static partial void NetworkCreated(ILogger logger, string network, string cidr);

        [LoggerMessage(6, LogLevel.Warning, "The pod network {Network} has subnet {Actual}, not {Expected}; pods get addresses from {Actual}")]
        public static partial void NetworkMismatch(ILogger logger, string network, string actual, string expected);
    }
}
