using System.Globalization;
using System.Runtime.InteropServices;
using k8s.Models;
using LocalKube.Node.Hosting;
using LocalKube.Node.Machinery;

namespace LocalKube.Node.Kubelet.Registration;

/// <summary>
/// What the kubelet reports about this machine when it registers (named by <c>--node-name</c>, as minikube names it
/// after the profile): the well-known labels, Ready, the advertise address, capacity from the machine, and node info.
/// </summary>
public static class NodeDescription
{
    /// <summary>The pod capacity upstream's kubelet reports by default (maxPods).</summary>
    public const int MaxPods = 110;

    /// <summary>The kubelet's port in <c>daemonEndpoints</c>.</summary>
    public const int KubeletPort = 10250;

    /// <summary>The Node to register.</summary>
    public static V1Node Node(NodeAgentOptions options, DateTime now, NodeFacts? facts = null, string? podCidr = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new V1Node
        {
            ApiVersion = "v1",
            Kind = "Node",
            Metadata = new V1ObjectMeta { Name = options.NodeName, Labels = Labels(options.NodeName) },
            Spec = new V1NodeSpec { PodCIDR = podCidr, PodCIDRs = podCidr is null ? null : [podCidr] },
            Status = Status(options, now, facts),
        };
    }

    /// <summary>
    /// The labels the kubelet sets on its Node: only its own well-known ones, as NodeRestriction allows (the API
    /// server adds the control-plane role, as kubeadm does).
    /// </summary>
    public static Dictionary<string, string> Labels(string name) => new()
    {
        ["beta.kubernetes.io/arch"] = Architecture,
        ["beta.kubernetes.io/os"] = "linux",
        ["kubernetes.io/arch"] = Architecture,
        ["kubernetes.io/hostname"] = name,
        ["kubernetes.io/os"] = "linux",
    };

    /// <summary>
    /// The status the kubelet posts: capacity (the node's CPUs and memory as its cgroup limits them), conditions
    /// (heartbeat <paramref name="now"/>), addresses, node info, images and the kubelet's port.
    /// </summary>
    public static V1NodeStatus Status(NodeAgentOptions options, DateTime now, NodeFacts? facts = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        facts ??= NodeFacts.Unknown;
        var resources = new Dictionary<string, ResourceQuantity>
        {
            ["cpu"] = new(Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture)),
            ["memory"] = new($"{GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1024}Ki"),
            ["pods"] = new(facts.MaxPods.ToString(CultureInfo.InvariantCulture)),
            ["hugepages-1Gi"] = new("0"),
            ["hugepages-2Mi"] = new("0"),
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
                facts.Ready
                    ? Condition("Ready", "True", "KubeletReady", "kubelet is posting ready status")
                    : Condition("Ready", "False", "KubeletNotReady", facts.NotReadyMessage),
            ],
            Addresses =
            [
                new V1NodeAddress { Type = "InternalIP", Address = options.EffectiveAdvertiseAddress },
                new V1NodeAddress { Type = "Hostname", Address = options.NodeName },
            ],
            DaemonEndpoints = new V1NodeDaemonEndpoints { KubeletEndpoint = new V1DaemonEndpoint { Port = facts.KubeletPort } },
            NodeInfo = new V1NodeSystemInfo
            {
                Architecture = Architecture,
                OperatingSystem = "linux",
                OsImage = OsImage(),
                KernelVersion = ReadTrimmed("/proc/sys/kernel/osrelease"),
                MachineID = ReadTrimmed("/etc/machine-id"),
                SystemUUID = ReadTrimmed("/sys/class/dmi/id/product_uuid"),
                BootID = ReadTrimmed("/proc/sys/kernel/random/boot_id"),
                KubeletVersion = KubeVersion.GitVersion,
                KubeProxyVersion = KubeVersion.GitVersion,
                ContainerRuntimeVersion = facts.RuntimeVersion,
            },
            Images = facts.Images.Count > 0 ? [.. facts.Images] : null,
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
