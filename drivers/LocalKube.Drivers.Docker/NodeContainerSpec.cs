using System.Globalization;
using Docker.DotNet.Models;
using LocalKube.Abstractions.Drivers;

namespace LocalKube.Drivers.Docker;

/// <summary>
/// The <c>docker run</c> settings of a node container (architecture.md, "Node image"): no <c>--privileged</c> (it fails
/// where the host lacks a capability), but the host's whole bounding set, unconfined seccomp/apparmor/system paths, the
/// host cgroup namespace with <c>/sys/fs/cgroup</c> rw, <c>/var</c> on a named volume (inner dockerd never runs overlay
/// on overlay), tmpfs <c>/run</c> and <c>/tmp</c>.
/// </summary>
internal static class NodeContainerSpec
{
    private static readonly string ApiServerPortKey = $"{WellKnownPorts.ApiServer}/tcp";

    /// <summary>The port key Docker uses for the API server port.</summary>
    public static string ApiServerPort => ApiServerPortKey;

    /// <summary>Every host port the node publishes: the API server's, then <see cref="MachineSpec.Ports"/>.</summary>
    public static IReadOnlyList<PortMapping> PublishedPorts(MachineSpec spec) =>
        [new PortMapping(spec.ApiServerHostPort, WellKnownPorts.ApiServer), .. spec.Ports];

    /// <summary>Builds the create parameters. <paramref name="capabilities"/> null means the engine is not local: privileged.</summary>
    public static CreateContainerParameters Build(MachineSpec spec, string image, IReadOnlyList<string>? capabilities)
    {
        var machine = spec.Machine;
        var network = DockerLabels.NetworkName(machine.Profile);
        var exposed = new Dictionary<string, EmptyStruct>();
        var bindings = new Dictionary<string, IList<PortBinding>>();
        foreach (var port in PublishedPorts(spec))
        {
            var key = $"{port.NodePort}/{port.Protocol.ToLowerInvariant()}";
            exposed[key] = default;
            if (!bindings.TryGetValue(key, out var list))
            {
                bindings[key] = list = [];
            }

            list.Add(new PortBinding { HostIP = port.HostIp, HostPort = port.HostPort.ToString(CultureInfo.InvariantCulture) });
        }

        if (spec.EngineTls is not null)
        {
            // docker-env: the inner engine's TLS port, on a free port of the host's loopback only.
            exposed[EngineEndpoint.PortKey] = default;
            bindings[EngineEndpoint.PortKey] = [new PortBinding { HostIP = "127.0.0.1", HostPort = string.Empty }];
        }

        var binds = new List<string> { $"{machine.Name}:/var", "/sys/fs/cgroup:/sys/fs/cgroup:rw" };
        // Kernel modules let iptables and the inner engine load what they need; absent in many CI VMs.
        if (Directory.Exists("/lib/modules"))
        {
            binds.Add("/lib/modules:/lib/modules:ro");
        }

        var memory = spec.MemoryMiB > 0 ? spec.MemoryMiB * 1024 * 1024 : 0;
        return new CreateContainerParameters
        {
            Name = machine.Name,
            Hostname = machine.Name,
            Image = image,
            Labels = DockerLabels.For(machine),
            ExposedPorts = exposed,
            Env = spec.EngineTls is null ? ["container=docker"] : ["container=docker", EngineEndpoint.DockerdArguments],
            StopSignal = "SIGTERM",
            HostConfig = new HostConfig
            {
                Privileged = capabilities is null,
                CapAdd = capabilities?.ToList(),
                SecurityOpt = ["seccomp=unconfined", "apparmor=unconfined"],
                // The API form of the CLI's "systempaths=unconfined": empty (not null) lists unmask /proc and make
                // /proc/sys writable, which the inner dockerd and the kube proxy need (ip_forward, conntrack, ...).
                MaskedPaths = [],
                ReadonlyPaths = [],
                CgroupnsMode = "host",
                Binds = binds,
                Tmpfs = new Dictionary<string, string>
                {
                    // exec: the agent and tools may run helpers from /tmp; Docker's tmpfs default is noexec.
                    ["/run"] = "rw,exec,nosuid,nodev,mode=755",
                    ["/tmp"] = "rw,exec,nosuid,nodev,mode=1777",
                },
                Memory = memory,
                // Swap equal to memory means no swap beyond the limit, as minikube does.
                MemorySwap = memory,
                NanoCPUs = spec.Cpus > 0 ? spec.Cpus * 1_000_000_000L : 0,
                PortBindings = bindings,
                NetworkMode = network,
                RestartPolicy = new RestartPolicy { Name = RestartPolicyKind.No },
            },
            NetworkingConfig = new NetworkingConfig
            {
                EndpointsConfig = new Dictionary<string, EndpointSettings> { [network] = new() },
            },
        };
    }
}
