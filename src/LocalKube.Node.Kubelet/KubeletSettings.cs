using System.Globalization;
using LocalKube.Node.Hosting;
using LocalKube.Node.Kubelet.Runtime;
using LocalKube.Node.Kubelet.Runtime.Docker;
using LocalKube.Node.Machinery;

namespace LocalKube.Node.Kubelet;

/// <summary>
/// The kubelet's <c>--extra-config kubelet.&lt;key&gt;=value</c> settings, with their defaults; a bad value stops the
/// agent at start with the key named.
/// </summary>
public static class KubeletSettings
{
    /// <summary>
    /// Static pod manifests: by default <c>/etc/kubernetes/manifests</c> in a node with an engine, and
    /// <c>&lt;data-dir&gt;/manifests</c> for a simulated one (never the host's own folder); <c>none</c> disables them.
    /// </summary>
    public const string StaticPodPath = "static-pod-path";

    /// <summary>The kubelet's folder (pods' volumes, hosts files).</summary>
    public const string RootDir = "root-dir";

    /// <summary>Container log links.</summary>
    public const string PodLogDir = "pod-log-dir";

    /// <summary>The cluster DNS server.</summary>
    public const string ClusterDns = "cluster-dns";

    /// <summary>The cluster domain.</summary>
    public const string ClusterDomain = "cluster-domain";

    /// <summary>How often running pods are synced again (Go duration).</summary>
    public const string SyncFrequency = "sync-frequency";

    /// <summary>The pod capacity reported.</summary>
    public const string MaxPods = "max-pods";

    /// <summary>The sandbox image.</summary>
    public const string PodInfraContainerImage = "pod-infra-container-image";

    /// <summary>The Docker Engine the docker runtime uses.</summary>
    public const string ContainerRuntimeEndpoint = "container-runtime-endpoint";

    /// <summary>How long a pull may take (Go duration).</summary>
    public const string ImagePullTimeout = "image-pull-timeout";

    /// <summary>The pod network's address range.</summary>
    public const string PodCidr = "pod-cidr";

    /// <summary>Every key with its default, for <c>AddNodeSettingDefault</c>.</summary>
    public static IReadOnlyDictionary<string, string> Defaults { get; } = new Dictionary<string, string>
    {
        [StaticPodPath] = "",
        [RootDir] = "",
        [PodLogDir] = "",
        [ClusterDns] = "10.96.0.10",
        [ClusterDomain] = "cluster.local",
        [SyncFrequency] = "30s",
        [MaxPods] = "110",
        [PodInfraContainerImage] = "registry.k8s.io/pause:3.10",
        [ContainerRuntimeEndpoint] = "unix:///var/run/docker.sock",
        [ImagePullTimeout] = "2m0s",
        [PodCidr] = "10.244.0.0/16",
    };

    /// <summary>The kubelet's options from the agent's flags and settings.</summary>
    /// <exception cref="ArgumentException">A setting is malformed (the message names it).</exception>
    public static KubeletOptions Kubelet(NodeAgentOptions agent, NodeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(settings);
        var simulated = agent.ContainerRuntime == "simulated";

        // A simulated node keeps its kubelet folders with its data (the process driver must not touch the host's /var).
        var root = Get(settings, RootDir) is { Length: > 0 } r ? r : simulated ? Path.Combine(agent.DataDir, "kubelet") : "/var/lib/kubelet";
        var logs = Get(settings, PodLogDir) is { Length: > 0 } l ? l : simulated ? Path.Combine(agent.DataDir, "pod-logs") : "/var/log/pods";
        return new KubeletOptions
        {
            NodeName = agent.NodeName,
            NodeIps = [agent.EffectiveAdvertiseAddress],
            RootDirectory = root,
            PodLogDirectory = logs,
            StaticPodPath = Get(settings, StaticPodPath) switch
            {
                "none" => "",
                { Length: > 0 } path => path,
                _ => simulated ? Path.Combine(agent.DataDir, "manifests") : "/etc/kubernetes/manifests",
            },
            ClusterDns = Get(settings, ClusterDns) ?? "10.96.0.10",
            ClusterDomain = Get(settings, ClusterDomain) ?? "cluster.local",
            SyncFrequency = Duration(settings, SyncFrequency),
            MaxPods = Int(settings, MaxPods),
            KubeVersion = KubeVersion.GitVersion.TrimStart('v').Split('.')[0] + "." + KubeVersion.GitVersion.Split('.')[1],
            KubeletVersion = KubeVersion.GitVersion,
            MaterializeFiles = !simulated,
            MaxParallelPodSyncs = simulated ? 64 : 16,
        };
    }

    /// <summary>The Docker runtime's options.</summary>
    public static DockerRuntimeOptions Docker(NodeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var endpoint = Get(settings, ContainerRuntimeEndpoint) ?? Defaults[ContainerRuntimeEndpoint];
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
        {
            throw new ArgumentException($"--extra-config kubelet.{ContainerRuntimeEndpoint}='{endpoint}' is not a URI (e.g. unix:///var/run/docker.sock)");
        }

        var cidr = Get(settings, PodCidr) ?? Defaults[PodCidr];
        return new DockerRuntimeOptions
        {
            Endpoint = uri,
            SandboxImage = Get(settings, PodInfraContainerImage) ?? Defaults[PodInfraContainerImage],
            PullTimeout = Duration(settings, ImagePullTimeout),
            PodCidr = cidr,
            PodGateway = Gateway(cidr),
        };
    }

    /// <summary>Checks every setting; the errors name their keys.</summary>
    public static IReadOnlyList<string> Validate(NodeAgentOptions agent, NodeSettings settings)
    {
        var errors = new List<string>();
        foreach (var check in new Action[] { () => Kubelet(agent, settings), () => Docker(settings) })
        {
            try
            {
                check();
            }
            catch (ArgumentException e)
            {
                errors.Add(e.Message);
            }
        }

        return errors;
    }

    private static string? Get(NodeSettings settings, string key) => settings.Get(NodeComponent.Kubelet, key);

    private static TimeSpan Duration(NodeSettings settings, string key)
    {
        var text = Get(settings, key) ?? Defaults[key];
        return GoDuration.TryParse(text, out var d) && d > TimeSpan.Zero
            ? d
            : throw new ArgumentException($"--extra-config kubelet.{key}='{text}' is not a positive duration (e.g. 30s, 2m0s)");
    }

    private static int Int(NodeSettings settings, string key)
    {
        var text = Get(settings, key) ?? Defaults[key];
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"--extra-config kubelet.{key}='{text}' is not a positive number");
    }

    private static string Gateway(string cidr)
    {
        var parts = cidr.Split('/');
        if (parts.Length != 2 || !System.Net.IPAddress.TryParse(parts[0], out var ip) || ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var bits) || bits is < 8 or > 30)
        {
            throw new ArgumentException($"--extra-config kubelet.{PodCidr}='{cidr}' is not an IPv4 CIDR between /8 and /30");
        }

        var b = ip.GetAddressBytes();
        b[3] = (byte)(b[3] + 1);
        return new System.Net.IPAddress(b).ToString();
    }
}
