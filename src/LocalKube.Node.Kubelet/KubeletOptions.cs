namespace LocalKube.Node.Kubelet;

/// <summary>The kubelet's settings (<c>--extra-config kubelet.*</c>, with upstream's defaults).</summary>
public sealed record KubeletOptions
{
    /// <summary>This node's name.</summary>
    public required string NodeName { get; init; }

    /// <summary>The node's addresses (InternalIP), first is primary: hostIP of every pod.</summary>
    public IReadOnlyList<string> NodeIps { get; init; } = ["127.0.0.1"];

    /// <summary>Pods' volumes, etc-hosts and termination messages: <c>&lt;root&gt;/pods/&lt;uid&gt;/…</c>.</summary>
    public string RootDirectory { get; init; } = "/var/lib/kubelet";

    /// <summary>Container logs: <c>&lt;dir&gt;/&lt;ns&gt;_&lt;pod&gt;_&lt;uid&gt;/&lt;container&gt;/&lt;n&gt;.log</c>.</summary>
    public string PodLogDirectory { get; init; } = "/var/log/pods";

    /// <summary>Static pod manifests; empty disables static pods.</summary>
    public string StaticPodPath { get; init; } = "/etc/kubernetes/manifests";

    /// <summary>The cluster DNS server pods get (the 10th address of the service range).</summary>
    public string ClusterDns { get; init; } = "10.96.0.10";

    /// <summary>The cluster domain.</summary>
    public string ClusterDomain { get; init; } = "cluster.local";

    /// <summary>The node's resolv.conf (dnsPolicy Default, and the search path ClusterFirst appends).</summary>
    public string ResolvConf { get; init; } = "/etc/resolv.conf";

    /// <summary>The node's hosts file (host-network pods).</summary>
    public string HostsFile { get; init; } = "/etc/hosts";

    /// <summary>Every running pod is synced again this often (volume contents, lost events).</summary>
    public TimeSpan SyncFrequency { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the runtime is relisted for changes the events missed.</summary>
    public TimeSpan RelistPeriod { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often pod statuses are re-sent when nothing changed (upstream's status manager: 10 s).</summary>
    public TimeSpan StatusResyncPeriod { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often dead containers and orphaned sandboxes are collected.</summary>
    public TimeSpan GarbageCollectionPeriod { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The pod capacity reported.</summary>
    public int MaxPods { get; init; } = 110;

    /// <summary>The <c>major.minor</c> in the probes' User-Agent.</summary>
    public string KubeVersion { get; init; } = "1.32";

    /// <summary>The kubelet version in nodeInfo.</summary>
    public string KubeletVersion { get; init; } = "v1.32.4";

    /// <summary>Write volume contents, hosts and resolv.conf to disk (off for the simulated runtime: nothing reads them).</summary>
    public bool MaterializeFiles { get; init; } = true;

    /// <summary>Container operations of different pods in flight at once (per-pod work is always serial).</summary>
    public int MaxParallelPodSyncs { get; init; } = 16;
}
