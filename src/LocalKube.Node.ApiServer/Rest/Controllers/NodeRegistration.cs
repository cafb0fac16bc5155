using System.Globalization;
using System.Runtime.InteropServices;
using k8s.Models;
using LocalKube.Node.ApiServer.Rest.Core;
using LocalKube.Node.Hosting;

namespace LocalKube.Node.ApiServer.Rest.Controllers;

/// <summary>
/// Registers this machine as the cluster's one Node (named by <c>--node-name</c>, as minikube names it after the
/// profile) and refreshes its status on every start, as a kubelet would on registration: Ready, the advertise address,
/// capacity from the machine, the control-plane labels, and its heartbeat Lease. Until the kubelet arrives this is what <c>kubectl get
/// nodes</c> and <c>describe node</c> show.
/// </summary>
public static class NodeRegistration
{
    /// <summary>The pod capacity upstream's kubelet reports by default (maxPods).</summary>
    public const int MaxPods = 110;

    /// <summary>Creates the Node, or replaces the status of the one a previous start registered.</summary>
    public static async Task RegisterAsync(ResourceStore store, NodeAgentOptions options, CancellationToken cancellationToken)
    {
        if (store.Resources.FindKind("", "Node") is not { } nodes || string.IsNullOrEmpty(options.NodeName))
        {
            return;
        }

        var now = DateTime.UtcNow;
        var status = Status(options, now);
        var node = new V1Node { Metadata = new V1ObjectMeta { Name = options.NodeName, Labels = Labels(options.NodeName) }, Spec = new V1NodeSpec(), Status = status };
        var registered = (V1Node)(await Upsert.CreateOrUpdateAsync(store, nodes, null, node, current =>
        {
            var existing = (V1Node)current.Object;
            existing.Status = status;
            return existing;
        }, UpdateScope.Status, cancellationToken));

        // The kubelet's heartbeat Lease in kube-node-lease, owned by the Node (describe node shows it).
        if (store.Resources.FindKind("coordination.k8s.io", "Lease") is { } leases)
        {
            var lease = new V1Lease
            {
                Metadata = new V1ObjectMeta
                {
                    Name = options.NodeName,
                    NamespaceProperty = "kube-node-lease",
                    OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "Node", Name = options.NodeName, Uid = registered.Metadata.Uid }],
                },
                Spec = new V1LeaseSpec { HolderIdentity = options.NodeName, LeaseDurationSeconds = 40, RenewTime = now },
            };
            await Upsert.CreateOrUpdateAsync(store, leases, "kube-node-lease", lease, current =>
            {
                var existing = (V1Lease)current.Object;
                existing.Spec = lease.Spec;
                return existing;
            }, UpdateScope.Main, cancellationToken);
        }
    }

    private static Dictionary<string, string> Labels(string name) => new()
    {
        ["beta.kubernetes.io/arch"] = Architecture,
        ["beta.kubernetes.io/os"] = "linux",
        ["kubernetes.io/arch"] = Architecture,
        ["kubernetes.io/hostname"] = name,
        ["kubernetes.io/os"] = "linux",
        ["node-role.kubernetes.io/control-plane"] = "",
    };

    private static V1NodeStatus Status(NodeAgentOptions options, DateTime now)
    {
        var resources = new Dictionary<string, ResourceQuantity>
        {
            ["cpu"] = new(Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture)),
            ["memory"] = new($"{GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1024}Ki"),
            ["pods"] = new(MaxPods.ToString(CultureInfo.InvariantCulture)),
        };
        if (DiskSize(options.DataDir) is { } disk)
        {
            resources["ephemeral-storage"] = new($"{disk / 1024}Ki");
        }

        V1NodeCondition Condition(string type, string status, string reason, string message) => new()
        {
            Type = type, Status = status, Reason = reason, Message = message, LastHeartbeatTime = now, LastTransitionTime = now,
        };

        return new V1NodeStatus
        {
            Capacity = resources,
            Allocatable = new Dictionary<string, ResourceQuantity>(resources),
            Conditions =
            [
                Condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                Condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                Condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                Condition("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
            ],
            Addresses =
            [
                new V1NodeAddress { Type = "InternalIP", Address = options.EffectiveAdvertiseAddress },
                new V1NodeAddress { Type = "Hostname", Address = options.NodeName },
            ],
            DaemonEndpoints = new V1NodeDaemonEndpoints { KubeletEndpoint = new V1DaemonEndpoint { Port = 10250 } },
            NodeInfo = new V1NodeSystemInfo
            {
                Architecture = Architecture,
                OperatingSystem = "linux",
                OsImage = OsImage(),
                KernelVersion = ReadTrimmed("/proc/sys/kernel/osrelease"),
                MachineID = ReadTrimmed("/etc/machine-id"),
                SystemUUID = ReadTrimmed("/sys/class/dmi/id/product_uuid"),
                BootID = ReadTrimmed("/proc/sys/kernel/random/boot_id"),
                KubeletVersion = ServerVersion.KubernetesGitVersion,
                KubeProxyVersion = ServerVersion.KubernetesGitVersion,
                ContainerRuntimeVersion = "",
            },
        };
    }

    private static string Architecture => RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => "amd64",
        System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
        var other => other.ToString().ToLowerInvariant(),
    };

    // PRETTY_NAME of /etc/os-release, as the kubelet reports it.
    private static string OsImage()
    {
        const string key = "PRETTY_NAME=";
        var line = ReadTrimmed("/etc/os-release").Split('\n').FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
        return line is null ? RuntimeInformation.OSDescription : line[key.Length..].Trim('"');
    }

    private static string ReadTrimmed(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static long? DiskSize(string dir)
    {
        try
        {
            return string.IsNullOrEmpty(dir) ? null : new DriveInfo(Path.GetFullPath(dir)).TotalSize;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }
}
