using System.Globalization;
using Docker.DotNet.Models;

namespace LocalKube.Node.Kubelet.Runtime.Docker;

/// <summary>
/// cri-dockerd's mapping of sandboxes and containers to <c>docker create</c> (node-reference §7): the sandbox owns
/// the network and IPC namespaces; containers join it, run with restart policy <c>no</c> and healthchecks off, log
/// to json-file with upstream's rotation, and keep the kubelet's annotations as <c>annotation.*</c> labels.
/// </summary>
internal static class DockerCreateParameters
{
    /// <summary>The pause container of a pod.</summary>
    public static CreateContainerParameters Sandbox(PodSandboxConfig config, DockerRuntimeOptions options)
    {
        var labels = new Dictionary<string, string>(config.Labels)
        {
            [KubernetesLabels.PodName] = config.Metadata.Name,
            [KubernetesLabels.PodNamespace] = config.Metadata.Namespace,
            [KubernetesLabels.PodUid] = config.Metadata.Uid,
            [KubernetesLabels.ContainerName] = KubernetesLabels.SandboxContainerName,
            [DockerLabelKeys.Type] = DockerLabelKeys.TypeSandbox,
        };
        AddAnnotations(labels, config.Annotations);

        var exposed = new Dictionary<string, EmptyStruct>();
        var bindings = new Dictionary<string, IList<PortBinding>>();
        foreach (var port in config.PortMappings.Where(p => p.HostPort > 0))
        {
            var key = $"{port.ContainerPort}/{port.Protocol.ToLowerInvariant()}";
            exposed[key] = default;
            if (!bindings.TryGetValue(key, out var list))
            {
                bindings[key] = list = [];
            }

            list.Add(new PortBinding { HostIP = port.HostIp, HostPort = port.HostPort.ToString(CultureInfo.InvariantCulture) });
        }

        var network = config.HostNetwork ? "host" : options.PodNetwork;
        return new CreateContainerParameters
        {
            Name = DockerNames.Sandbox(config.Metadata),
            Image = options.SandboxImage,
            // A host-network pod keeps the node's hostname, as upstream.
            Hostname = config.HostNetwork ? null : config.Hostname,
            Labels = labels,
            ExposedPorts = exposed.Count > 0 ? exposed : null,
            Healthcheck = NoHealthcheck(),
            HostConfig = new HostConfig
            {
                NetworkMode = network,
                IpcMode = config.HostIpc ? "host" : "shareable",
                PidMode = config.HostPid ? "host" : null,
                CPUShares = 2,
                OomScoreAdj = OomScoreFloor.Clamp(-998, options.OomScoreAdjFloor ?? -1000),
                PortBindings = bindings.Count > 0 ? bindings : null,
                Sysctls = config.Sysctls.Count > 0 && !config.HostNetwork ? new Dictionary<string, string>(config.Sysctls) : null,
                CgroupParent = string.IsNullOrEmpty(config.CgroupParent) ? null : config.CgroupParent,
                RestartPolicy = new RestartPolicy { Name = RestartPolicyKind.No },
                SecurityOpt = ["no-new-privileges"],
                LogConfig = LogConfig(options),
            },
            NetworkingConfig = config.HostNetwork ? null : new NetworkingConfig
            {
                EndpointsConfig = new Dictionary<string, EndpointSettings> { [network] = new() },
            },
        };
    }

    /// <summary>An app, init or sidecar container joining <paramref name="sandboxId"/>.</summary>
    public static CreateContainerParameters Container(
        string sandboxId, ContainerConfig config, PodSandboxConfig sandbox, DockerRuntimeOptions options)
    {
        var labels = new Dictionary<string, string>(config.Labels)
        {
            [KubernetesLabels.PodName] = sandbox.Metadata.Name,
            [KubernetesLabels.PodNamespace] = sandbox.Metadata.Namespace,
            [KubernetesLabels.PodUid] = sandbox.Metadata.Uid,
            [KubernetesLabels.ContainerName] = config.Metadata.Name,
            [DockerLabelKeys.Type] = DockerLabelKeys.TypeContainer,
            [DockerLabelKeys.SandboxId] = sandboxId,
        };
        if (!string.IsNullOrEmpty(config.LogPath))
        {
            labels[DockerLabelKeys.LogPath] = config.LogPath;
        }

        AddAnnotations(labels, config.Annotations);
        var security = config.Security;
        var securityOpt = new List<string> { "seccomp=unconfined" };
        if (security.NoNewPrivileges)
        {
            securityOpt.Add("no-new-privileges");
        }

        var joined = $"container:{sandboxId}";
        var resources = config.Resources;
        return new CreateContainerParameters
        {
            Name = DockerNames.Container(config.Metadata, sandbox.Metadata),
            Image = config.Image,
            // null keeps the image's; an Entrypoint without Cmd drops the image's CMD, as Docker (and Kubernetes) do.
            Entrypoint = config.Command?.ToList(),
            Cmd = config.Args?.ToList(),
            WorkingDir = string.IsNullOrEmpty(config.WorkingDir) ? null : config.WorkingDir,
            Env = config.Env.Select(e => $"{e.Key}={e.Value}").ToList(),
            User = User(security),
            Labels = labels,
            Tty = config.Tty,
            OpenStdin = config.Stdin,
            StdinOnce = config.Stdin && config.StdinOnce,
            AttachStdin = config.Stdin,
            Healthcheck = NoHealthcheck(),
            HostConfig = new HostConfig
            {
                NetworkMode = joined,
                IpcMode = sandbox.HostIpc ? "host" : joined,
                PidMode = sandbox.HostPid ? "host" : config.PidTarget is { Length: > 0 } target ? $"container:{target}" : sandbox.ShareProcessNamespace ? joined : null,
                Binds = config.Mounts.Select(Bind).ToList(),
                Privileged = security.Privileged,
                ReadonlyRootfs = security.ReadOnlyRootFilesystem,
                CapAdd = security.AddCapabilities.Count > 0 ? security.AddCapabilities.ToList() : null,
                CapDrop = security.DropCapabilities.Count > 0 ? security.DropCapabilities.ToList() : null,
                GroupAdd = security.SupplementalGroups.Count > 0
                    ? security.SupplementalGroups.Select(g => g.ToString(CultureInfo.InvariantCulture)).ToList()
                    : null,
                SecurityOpt = securityOpt,
                CPUShares = resources.CpuShares,
                CPUQuota = resources.CpuQuota,
                CPUPeriod = resources.CpuQuota > 0 ? resources.CpuPeriod : 0,
                Memory = resources.MemoryLimitBytes,
                MemorySwap = resources.MemoryLimitBytes,
                OomScoreAdj = OomScoreFloor.Clamp(resources.OomScoreAdj, options.OomScoreAdjFloor ?? -1000),
                CgroupParent = string.IsNullOrEmpty(sandbox.CgroupParent) ? null : sandbox.CgroupParent,
                RestartPolicy = new RestartPolicy { Name = RestartPolicyKind.No },
                LogConfig = LogConfig(options),
            },
        };
    }

    /// <summary>A <c>-v</c> bind: missing sources are created by Docker; propagation and read-only as options.</summary>
    public static string Bind(MountSpec mount)
    {
        var mode = new List<string> { mount.ReadOnly ? "ro" : "rw" };
        if (mount.Propagation is "rslave" or "rshared")
        {
            mode.Add(mount.Propagation);
        }

        return $"{mount.HostPath}:{mount.ContainerPath}:{string.Join(',', mode)}";
    }

    private static string? User(ContainerSecurity security) =>
        security.RunAsUser is { } uid
            ? security.RunAsGroup is { } gid ? $"{uid}:{gid}" : uid.ToString(CultureInfo.InvariantCulture)
            : null;

    private static void AddAnnotations(Dictionary<string, string> labels, IReadOnlyDictionary<string, string> annotations)
    {
        foreach (var (key, value) in annotations)
        {
            labels[DockerLabelKeys.AnnotationPrefix + key] = value;
        }
    }

    // Docker's own health checks would fight the kubelet's probes (cri-dockerd turns them off too).
    private static HealthConfig NoHealthcheck() => new() { Test = ["NONE"] };

    private static LogConfig LogConfig(DockerRuntimeOptions options) => new()
    {
        Type = "json-file",
        Config = new Dictionary<string, string>
        {
            ["max-size"] = options.LogMaxSize,
            ["max-file"] = options.LogMaxFiles.ToString(CultureInfo.InvariantCulture),
        },
    };
}
