using System.Globalization;
using k8s.Models;
using LocalKube.Node.Kubelet.Containers;
using LocalKube.Node.Kubelet.Runtime;
using LocalKube.Node.Kubelet.Volumes;
using LocalKube.Node.Machinery.Resources;

namespace LocalKube.Node.Kubelet.Pods;

/// <summary>
/// A container's runtime config from its spec (<c>k8s: kuberuntime_container.go generateContainerConfig</c>):
/// environment, expanded command and args, mounts (volumes, hosts, resolv.conf, termination log), resources as cgroup
/// settings, the security context, and the labels and annotations that let a restarted kubelet rebuild everything.
/// </summary>
internal sealed class ContainerConfigFactory(IConfigSource config, VolumeManager volumes, KubeletOptions options)
{
    /// <summary>What a container of the pod is started with.</summary>
    public sealed record PodContext(
        V1Pod Pod,
        PodSandboxConfig Sandbox,
        IReadOnlyList<string> PodIps,
        IReadOnlyDictionary<string, MountedVolume> Volumes,
        IDictionary<string, ResourceQuantity> NodeAllocatable,
        long NodeMemoryBytes)
    {
        /// <summary>The running container whose process namespace an ephemeral container joins (its target), if any.</summary>
        public string? PidTarget { get; init; }
    }

    /// <summary>Builds the config; warnings (skipped envFrom keys) are returned for events.</summary>
    /// <exception cref="ContainerConfigException">A source is missing or the security context cannot be met.</exception>
    public async Task<(ContainerConfig Config, IList<string> Warnings)> CreateAsync(
        PodContext context, V1Container container, string type, int attempt, string image, ImageInfo? imageInfo, CancellationToken cancellationToken)
    {
        var pod = context.Pod;
        var uid = pod.Metadata.Uid;
        var env = new EnvironmentBuilder(config);
        var variables = await env.BuildAsync(pod, container, context.PodIps, options.NodeIps, context.NodeAllocatable, cancellationToken).ConfigureAwait(false);
        var security = Security(pod, container, imageInfo);
        var mounts = volumes.MountsFor(container, context.Volumes, variables);
        var podDir = volumes.PodDirectory(uid);
        if (!mounts.Any(m => m.ContainerPath == "/etc/hosts"))
        {
            mounts.Add(new MountSpec(Path.Combine(podDir, "etc-hosts"), "/etc/hosts"));
        }

        if (!mounts.Any(m => m.ContainerPath == "/etc/resolv.conf"))
        {
            mounts.Add(new MountSpec(Path.Combine(podDir, "resolv.conf"), "/etc/resolv.conf"));
        }

        var terminationPath = string.IsNullOrEmpty(container.TerminationMessagePath) ? "/dev/termination-log" : container.TerminationMessagePath;
        var terminationHost = Path.Combine(podDir, "containers", container.Name, Guid.NewGuid().ToString("N")[..8]);
        if (options.MaterializeFiles)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(terminationHost)!);
            File.WriteAllBytes(terminationHost, []);
            UnixMode.Set(terminationHost, UnixMode.Octal("666"));
        }

        mounts.Add(new MountSpec(terminationHost, terminationPath));
        var qos = QosClass.Of(pod.Spec);
        var annotations = new Dictionary<string, string>
        {
            [KubernetesLabels.ContainerHash] = ContainerHash.Of(container),
            [KubernetesLabels.ContainerRestartCount] = attempt.ToString(CultureInfo.InvariantCulture),
            [KubernetesLabels.TerminationMessagePath] = terminationPath,
            [KubernetesLabels.TerminationMessagePolicy] = string.IsNullOrEmpty(container.TerminationMessagePolicy) ? "File" : container.TerminationMessagePolicy,
            [KubernetesLabels.TerminationMessageHostPath] = terminationHost,
            [KubernetesLabels.PodTerminationGracePeriod] = (pod.Spec.TerminationGracePeriodSeconds ?? 30).ToString(CultureInfo.InvariantCulture),
            [KubernetesLabels.ContainerType] = type,
        };
        if (container.Lifecycle?.PreStop is { } preStop)
        {
            annotations[KubernetesLabels.PreStopHandler] = k8s.KubernetesJson.Serialize(preStop);
        }

        if (container.Ports is { Count: > 0 })
        {
            annotations[KubernetesLabels.ContainerPorts] = k8s.KubernetesJson.Serialize(container.Ports);
        }

        var result = new ContainerConfig
        {
            Metadata = new ContainerMetadata(container.Name, attempt),
            Image = image,
            Command = EnvironmentBuilder.ExpandCommand(container.Command, variables),
            Args = EnvironmentBuilder.ExpandCommand(container.Args, variables),
            WorkingDir = container.WorkingDir ?? "",
            Env = variables,
            Mounts = mounts,
            Labels = new Dictionary<string, string>
            {
                [KubernetesLabels.PodName] = pod.Metadata.Name,
                [KubernetesLabels.PodNamespace] = pod.Metadata.NamespaceProperty,
                [KubernetesLabels.PodUid] = uid,
                [KubernetesLabels.ContainerName] = container.Name,
            },
            Annotations = annotations,
            LogPath = Path.Combine(context.Sandbox.LogDirectory, container.Name, $"{attempt.ToString(CultureInfo.InvariantCulture)}.log"),
            Stdin = container.Stdin == true,
            StdinOnce = container.StdinOnce == true,
            Tty = container.Tty == true,
            Resources = Resources(container, qos, context.NodeMemoryBytes),
            Security = security,
            PidTarget = context.PidTarget,
        };
        return (result, env.Warnings);
    }

    /// <summary>The cgroup settings of <paramref name="container"/> (node-reference §6.5).</summary>
    public static ContainerResources Resources(V1Container container, string qosClass, long nodeMemoryBytes)
    {
        var requests = container.Resources?.Requests;
        var limits = container.Resources?.Limits;
        long Milli(IDictionary<string, ResourceQuantity>? list, string name) =>
            list is not null && list.TryGetValue(name, out var q) ? QuantityValues.MilliValue(q) : 0;
        var cpuRequest = Milli(requests, "cpu");
        var cpuLimit = Milli(limits, "cpu");

        // With only a limit, the request defaults to it (the API server does this for pods; templates may not).
        var shares = Math.Min(cpuRequest == 0 && cpuLimit > 0 ? cpuLimit : cpuRequest, long.MaxValue / 1024) * 1024 / 1000;
        var memory = limits is not null && limits.TryGetValue("memory", out var m) ? QuantityValues.Value(m) : 0;
        return new ContainerResources
        {
            CpuShares = Math.Max(2, shares),
            CpuQuota = cpuLimit > 0 ? Math.Max(1000, Math.Min(cpuLimit, long.MaxValue / 100) * 100) : 0,
            CpuPeriod = 100_000,
            MemoryLimitBytes = memory,
            OomScoreAdj = QosClass.OomScoreAdj(qosClass, container, nodeMemoryBytes),
        };
    }

    // Pod-level settings, overridden per container (upstream's DetermineEffectiveSecurityContext).
    private static ContainerSecurity Security(V1Pod pod, V1Container container, ImageInfo? image)
    {
        var podContext = pod.Spec?.SecurityContext;
        var c = container.SecurityContext;
        var runAsUser = c?.RunAsUser ?? podContext?.RunAsUser;
        var runAsGroup = c?.RunAsGroup ?? podContext?.RunAsGroup;
        var runAsNonRoot = c?.RunAsNonRoot ?? podContext?.RunAsNonRoot;
        if (runAsNonRoot == true)
        {
            VerifyNonRoot(pod, container, runAsUser, image);
        }

        var groups = new List<long>();
        if (podContext?.FsGroup is { } fsGroup)
        {
            groups.Add(fsGroup);
        }

        groups.AddRange((podContext?.SupplementalGroups ?? []).Where(g => g is not null).Select(g => g!.Value));
        return new ContainerSecurity
        {
            RunAsUser = runAsUser,
            RunAsGroup = runAsGroup,
            SupplementalGroups = groups,
            Privileged = c?.Privileged == true,
            ReadOnlyRootFilesystem = c?.ReadOnlyRootFilesystem == true,
            AddCapabilities = (c?.Capabilities?.Add ?? []).Select(StripPrefix).ToList(),
            DropCapabilities = (c?.Capabilities?.Drop ?? []).Select(StripPrefix).ToList(),
            NoNewPrivileges = c?.AllowPrivilegeEscalation == false,
        };
    }

    private static void VerifyNonRoot(V1Pod pod, V1Container container, long? runAsUser, ImageInfo? image)
    {
        var podName = $"{pod.Metadata.Name}_{pod.Metadata.NamespaceProperty}({pod.Metadata.Uid})";
        if (runAsUser is { } uid)
        {
            if (uid == 0)
            {
                throw new ContainerConfigException($"container's runAsUser breaks non-root policy (pod: \"{podName}\", container: {container.Name})");
            }

            return;
        }

        var user = (image?.User ?? "").Split(':')[0];
        if (user.Length == 0 || user == "root" || user == "0")
        {
            throw new ContainerConfigException($"container has runAsNonRoot and image will run as root (pod: \"{podName}\", container: {container.Name})");
        }

        if (!long.TryParse(user, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            throw new ContainerConfigException($"container has runAsNonRoot and image has non-numeric user ({user}), cannot verify user is non-root (pod: \"{podName}\", container: {container.Name})");
        }
    }

    private static string StripPrefix(string capability) =>
        capability.StartsWith("CAP_", StringComparison.OrdinalIgnoreCase) ? capability[4..] : capability;
}
