using System.Globalization;
using System.Text;
using k8s.Models;
using LocalKube.Node.Kubelet.Containers;
using LocalKube.Node.Kubelet.Images;
using LocalKube.Node.Kubelet.Lifecycle;
using LocalKube.Node.Kubelet.Network;
using LocalKube.Node.Kubelet.Runtime;
using LocalKube.Node.Kubelet.Status;
using LocalKube.Node.Kubelet.Volumes;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Kubelet.Pods;

internal sealed partial class PodSyncer
{
    // Upstream never stops a container with less than this, whatever preStop used (killContainer).
    private static readonly TimeSpan MinimumStop = TimeSpan.FromSeconds(2);

    private async Task<DateTimeOffset?> ApplyAsync(
        V1Pod pod, PodRuntimeStatus runtime, PodActions actions, IReadOnlyDictionary<string, MountedVolume> volumes, CancellationToken cancellationToken)
    {
        var spec = pod.Spec;
        if (actions.KillPod)
        {
            if (actions.CreateSandbox && runtime.Sandboxes.Count > 0)
            {
                _events.Record(pod, null, "Normal", "SandboxChanged", "Pod sandbox changed, it will be killed and re-created.");
            }

            await KillPodAsync(pod, runtime, null, cancellationToken).ConfigureAwait(false);
            if (actions.CreateSandbox)
            {
                // A new sandbox starts initialization over: old init containers go.
                foreach (var init in runtime.Containers.Where(c => (spec.InitContainers ?? []).Any(i => i.Name == c.Metadata.Name)))
                {
                    await RemoveContainerAsync(init.Id, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        else
        {
            foreach (var kill in actions.ContainersToKill)
            {
                await KillContainerAsync(pod, kill.Container, kill.ContainerId, kill.Message, kill.IsProbeFailure ? kill.Reason : null, null, cancellationToken)
                    .ConfigureAwait(false);
            }
        }

        if (!actions.CreateSandbox && actions.KillPod)
        {
            return null;
        }

        var sandboxId = actions.SandboxId;
        var sandboxConfig = SandboxConfig(pod, actions.CreateSandbox ? actions.Attempt : runtime.Sandboxes.FirstOrDefault()?.Metadata.Attempt ?? 0);
        IReadOnlyList<string> podIps = runtime.Ips;
        if (actions.CreateSandbox)
        {
            try
            {
                sandboxId = await _runtime.RunPodSandboxAsync(sandboxConfig, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ContainerRuntimeException or ArgumentException)
            {
                _events.Record(pod, null, "Warning", "FailedCreatePodSandBox", $"Failed to create pod sandbox: {e.Message}");
                return _time.GetUtcNow() + TimeSpan.FromSeconds(5);
            }

            var sandbox = await _runtime.GetPodSandboxStatusAsync(sandboxId, cancellationToken).ConfigureAwait(false);
            podIps = sandbox.Ip.Length > 0 ? [sandbox.Ip] : pod.Spec.HostNetwork == true ? _options.NodeIps : [];
        }

        if (pod.Spec.HostNetwork == true)
        {
            podIps = _options.NodeIps;
        }

        WriteNetworkFiles(pod, podIps);
        var context = new ContainerConfigFactory.PodContext(pod, sandboxConfig, podIps, volumes, Node.Allocatable, Node.MemoryBytes);
        DateTimeOffset? retryAt = null;

        // Before the init containers, as upstream, so a pod stuck initializing can still be debugged.
        foreach (var index in actions.EphemeralContainersToStart)
        {
            var ephemeral = spec.EphemeralContainers[index];
            var target = string.IsNullOrEmpty(ephemeral.TargetContainerName) ? null : runtime.Find(ephemeral.TargetContainerName);
            var targeted = context with { PidTarget = target is { State: ContainerState.Running } ? target.Id : null };
            retryAt = Earliest(retryAt, await StartContainerAsync(targeted, sandboxId, PodSpecFacts.AsContainer(ephemeral), "ephemeral", runtime, cancellationToken).ConfigureAwait(false));
        }

        foreach (var index in actions.InitContainersToStart)
        {
            var container = spec.InitContainers[index];
            var sidecar = PodSpecFacts.IsSidecar(container);
            var failed = await StartContainerAsync(context, sandboxId, container, sidecar ? "sidecar" : "init", runtime, cancellationToken).ConfigureAwait(false);
            retryAt = Earliest(retryAt, failed);
            if (failed is not null && !sidecar)
            {
                return retryAt;
            }
        }

        foreach (var index in actions.ContainersToStart)
        {
            var failed = await StartContainerAsync(context, sandboxId, spec.Containers[index], "container", runtime, cancellationToken).ConfigureAwait(false);
            retryAt = Earliest(retryAt, failed);
        }

        return retryAt;
    }

    /// <summary>Starts one container; null on success, else when to try again.</summary>
    private async Task<DateTimeOffset?> StartContainerAsync(
        ContainerConfigFactory.PodContext context, string sandboxId, V1Container container, string type, PodRuntimeStatus runtime, CancellationToken cancellationToken)
    {
        var pod = context.Pod;
        var uid = pod.Metadata.Uid;
        var latest = runtime.Find(container.Name);
        var key = $"{pod.Metadata.Name}_{pod.Metadata.NamespaceProperty}_{uid}_{container.Name}_{ContainerHash.Of(container)}";
        if (latest is { State: ContainerState.Exited, FinishedAt: { } finished })
        {
            if (_crashBackoff.IsInBackOffSince(key, finished))
            {
                var delay = _crashBackoff.Get(key);
                _events.Record(pod, container.Name, "Warning", "BackOff",
                    $"Back-off restarting failed container {container.Name} in pod {PodManager.Describe(pod)}");
                _reasons.Set(uid, container.Name, new WaitingReason("CrashLoopBackOff",
                    $"back-off {GoDuration.Format(delay)} restarting failed container={container.Name} pod={PodManager.Describe(pod)}"));
                return finished + delay;
            }

            _crashBackoff.Next(key, finished);
        }

        try
        {
            string image;
            try
            {
                image = await _images.EnsureAsync(pod, container, cancellationToken).ConfigureAwait(false);
            }
            catch (StartFailure e)
            {
                // Upstream's startContainer records every image failure once more as "Error: <reason>".
                _events.Record(pod, container.Name, "Warning", "Failed", $"Error: {e.Reason}");
                throw;
            }

            var attempt = latest is not null ? PodRuntimeStatus.RestartCountOf(latest) + 1 : RestartCountFromLogs(context.Sandbox.LogDirectory, container.Name);
            var imageInfo = await _runtime.InspectImageAsync(image, cancellationToken).ConfigureAwait(false);
            ContainerConfig config;
            try
            {
                var (created, warnings) = await _configs.CreateAsync(context, container, type, attempt, image, imageInfo, cancellationToken).ConfigureAwait(false);
                foreach (var warning in warnings)
                {
                    _events.Record(pod, container.Name, "Warning", "InvalidEnvironmentVariableNames", warning);
                }

                config = created;
            }
            catch (ContainerConfigException e)
            {
                throw Fail(pod, container, "CreateContainerConfigError", e.Message);
            }

            string id;
            try
            {
                id = await _runtime.CreateContainerAsync(sandboxId, config, context.Sandbox, cancellationToken).ConfigureAwait(false);
            }
            catch (ContainerRuntimeException e) when (e is not RuntimeUnavailableException)
            {
                throw Fail(pod, container, "CreateContainerError", e.Message);
            }

            _events.Record(pod, container.Name, "Normal", "Created", $"Created container: {container.Name}");
            try
            {
                await _runtime.StartContainerAsync(id, cancellationToken).ConfigureAwait(false);
            }
            catch (ContainerRuntimeException e) when (e is not RuntimeUnavailableException)
            {
                throw Fail(pod, container, "RunContainerError", e.Message);
            }

            _events.Record(pod, container.Name, "Normal", "Started", $"Started container {container.Name}");
            if (container.Lifecycle?.PostStart is { } postStart)
            {
                var failure = await _hooks.RunAsync(postStart, container, id, context.PodIps.FirstOrDefault() ?? "", cancellationToken).ConfigureAwait(false);
                if (failure is not null)
                {
                    _events.Record(pod, container.Name, "Warning", "FailedPostStartHook", failure);
                    await KillContainerAsync(pod, container, id, "FailedPostStartHook", null, null, cancellationToken).ConfigureAwait(false);
                    _reasons.Set(uid, container.Name, new WaitingReason("PostStartHookError", failure));
                    return _time.GetUtcNow();
                }
            }

            _reasons.Clear(uid, container.Name);
            return null;
        }
        catch (StartFailure e)
        {
            _reasons.Set(uid, container.Name, new WaitingReason(e.Reason, e.Message));
            return e.RetryAt ?? _time.GetUtcNow() + TimeSpan.FromSeconds(10);
        }
    }

    private StartFailure Fail(V1Pod pod, V1Container container, string reason, string message)
    {
        _events.Record(pod, container.Name, "Warning", "Failed", $"Error: {message}");
        return new StartFailure(reason, message);
    }

    /// <summary>Stops every running container (app containers together, then sidecars in reverse order) and the sandbox.</summary>
    private async Task KillPodAsync(V1Pod pod, PodRuntimeStatus runtime, long? gracePeriodOverride, CancellationToken cancellationToken)
    {
        var spec = pod.Spec;
        var sidecars = (spec.InitContainers ?? []).Where(PodSpecFacts.IsSidecar).Select(c => c.Name).ToList();
        var running = runtime.Containers.Where(c => c.State is ContainerState.Running or ContainerState.Created or ContainerState.Unknown).ToList();
        V1Container SpecOf(ContainerStatusInfo c) =>
            (spec.Containers ?? []).Concat(spec.InitContainers ?? []).FirstOrDefault(s => s.Name == c.Metadata.Name)
            ?? new V1Container { Name = c.Metadata.Name };

        await Task.WhenAll(running.Where(c => !sidecars.Contains(c.Metadata.Name))
            .Select(c => KillContainerAsync(pod, SpecOf(c), c.Id, null, null, gracePeriodOverride, cancellationToken))).ConfigureAwait(false);
        foreach (var name in Enumerable.Reverse(sidecars))
        {
            foreach (var c in running.Where(c => c.Metadata.Name == name))
            {
                await KillContainerAsync(pod, SpecOf(c), c.Id, null, null, gracePeriodOverride, cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var sandbox in runtime.Sandboxes.Where(s => s.State == PodSandboxState.Ready))
        {
            await _runtime.StopPodSandboxAsync(sandbox.Id, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stops one container as upstream's killContainer: a Killing event, preStop within the grace period, then the
    /// stop signal with what is left of it (never under 2 s).
    /// </summary>
    private async Task KillContainerAsync(
        V1Pod pod, V1Container container, string containerId, string? message, string? probeReason, long? gracePeriodOverride, CancellationToken cancellationToken)
    {
        long grace = pod.Metadata.DeletionGracePeriodSeconds ?? pod.Spec.TerminationGracePeriodSeconds ?? 30;
        if (probeReason == "liveness" && container.LivenessProbe?.TerminationGracePeriodSeconds is { } liveGrace)
        {
            grace = liveGrace;
        }
        else if (probeReason == "startup" && container.StartupProbe?.TerminationGracePeriodSeconds is { } startGrace)
        {
            grace = startGrace;
        }

        _events.Record(pod, container.Name, "Normal", "Killing", message ?? $"Stopping container {container.Name}");
        var remaining = TimeSpan.FromSeconds(grace);
        if (container.Lifecycle?.PreStop is { } preStop && grace > 0)
        {
            var started = _time.GetUtcNow();
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(remaining);
            string? failure;
            try
            {
                var ip = _statuses.GetStatus(pod.Metadata.Uid)?.PodIP ?? "";
                failure = await _hooks.RunAsync(preStop, container, containerId, ip, deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                failure = null;
            }

            if (failure is not null)
            {
                _events.Record(pod, container.Name, "Warning", "FailedPreStopHook", $"PreStopHook failed: {failure}");
            }

            remaining -= _time.GetUtcNow() - started;
        }

        if (remaining < MinimumStop)
        {
            remaining = MinimumStop;
        }

        if (gracePeriodOverride is { } forced)
        {
            remaining = TimeSpan.FromSeconds(forced);
        }

        try
        {
            await _runtime.StopContainerAsync(containerId, remaining, cancellationToken).ConfigureAwait(false);
        }
        catch (ContainerRuntimeException e) when (e is not RuntimeUnavailableException)
        {
            Log.StopFailed(_logger, container.Name, PodManager.Describe(pod), e.Message);
        }
    }

    private async Task RemoveContainerAsync(string id, CancellationToken cancellationToken)
    {
        await _runtime.RemoveContainerAsync(id, cancellationToken).ConfigureAwait(false);
        _reader.Forget(id);
    }

    private PodSandboxConfig SandboxConfig(V1Pod pod, int attempt)
    {
        var (hostname, domain) = PodHostname.For(pod, _options.ClusterDomain);
        var annotations = new Dictionary<string, string>(pod.Metadata.Annotations ?? new Dictionary<string, string>());
        annotations.TryAdd(KubernetesLabels.ConfigSource, PodManager.Source(pod));
        var ports = (pod.Spec.Containers ?? []).SelectMany(c => c.Ports ?? [])
            .Where(p => p.HostPort is > 0)
            .Select(p => new PortMapping((p.Protocol ?? "TCP").ToLowerInvariant(), p.ContainerPort, p.HostPort!.Value, string.IsNullOrEmpty(p.HostIP) ? "" : p.HostIP))
            .ToList();
        var sysctls = (pod.Spec.SecurityContext?.Sysctls ?? []).ToDictionary(s => s.Name, s => s.Value, StringComparer.Ordinal);
        return new PodSandboxConfig
        {
            Metadata = new PodSandboxMetadata(pod.Metadata.Name, pod.Metadata.NamespaceProperty, pod.Metadata.Uid, attempt),
            Hostname = PodHostname.KernelHostname(pod, hostname, domain),
            Labels = new Dictionary<string, string>(pod.Metadata.Labels ?? new Dictionary<string, string>()),
            Annotations = annotations,
            LogDirectory = Path.Combine(_options.PodLogDirectory, $"{pod.Metadata.NamespaceProperty}_{pod.Metadata.Name}_{pod.Metadata.Uid}"),
            PortMappings = ports,
            HostNetwork = pod.Spec.HostNetwork == true,
            HostPid = pod.Spec.HostPID == true,
            HostIpc = pod.Spec.HostIPC == true,
            ShareProcessNamespace = pod.Spec.ShareProcessNamespace == true,
            Sysctls = sysctls,
        };
    }

    // The kubelet writes /etc/hosts and /etc/resolv.conf for the pod; every container mounts them.
    private void WriteNetworkFiles(V1Pod pod, IReadOnlyList<string> podIps)
    {
        if (!_options.MaterializeFiles)
        {
            return;
        }

        var dir = _volumes.PodDirectory(pod.Metadata.Uid);
        Directory.CreateDirectory(dir);
        var (hostname, domain) = PodHostname.For(pod, _options.ClusterDomain);
        var hosts = pod.Spec.HostNetwork == true
            ? HostsFile.ForHostNetwork(ReadOrEmpty(_options.HostsFile), pod.Spec.HostAliases)
            : HostsFile.ForPod(podIps, hostname, domain, pod.Spec.HostAliases);
        WriteIfChanged(Path.Combine(dir, "etc-hosts"), hosts);
        WriteIfChanged(Path.Combine(dir, "resolv.conf"), ResolvConf.Render(ResolvConf.For(pod, _nodeDns.Value, _options.ClusterDns, _options.ClusterDomain)));
    }

    private static void WriteIfChanged(string path, string content)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes))
        {
            return;
        }

        File.WriteAllBytes(path, bytes);
        UnixMode.Set(path, UnixMode.Octal("644"));
    }

    // After the runtime lost its containers (a rebuilt node), logs tell how many attempts there were.
    private static int RestartCountFromLogs(string podLogDirectory, string container)
    {
        var dir = Path.Combine(podLogDirectory, container);
        if (!Directory.Exists(dir))
        {
            return 0;
        }

        var max = -1;
        foreach (var file in Directory.EnumerateFileSystemEntries(dir, "*.log"))
        {
            if (int.TryParse(Path.GetFileNameWithoutExtension(file), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                max = Math.Max(max, n);
            }
        }

        return max + 1;
    }

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Could not stop container {Container} of pod {Pod}: {Message}")]
        public static partial void StopFailed(ILogger logger, string container, string pod, string message);
    }
}
