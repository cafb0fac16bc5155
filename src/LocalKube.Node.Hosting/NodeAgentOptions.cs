using System.Net;

namespace LocalKube.Node.Hosting;

/// <summary>
/// The agent's <c>run</c> flags (docs/design.md, "The agent's command line"). Property names map 1:1 to flags;
/// <see cref="NodeAgentOptionsValidator"/> reports problems by flag name.
/// </summary>
public sealed class NodeAgentOptions
{
    /// <summary><c>--data-dir</c>: store, logs/agent.log, default pid file.</summary>
    public string DataDir { get; set; } = "";

    /// <summary><c>--cert-dir</c>: ca.crt, apiserver.crt, apiserver.key, sa.key, sa.pub.</summary>
    public string CertDir { get; set; } = "";

    /// <summary><c>--bind-address</c>: the IP Kestrel listens on.</summary>
    public string BindAddress { get; set; } = "0.0.0.0";

    /// <summary><c>--secure-port</c>: the HTTPS port.</summary>
    public int SecurePort { get; set; } = 8443;

    /// <summary><c>--node-name</c>: this node's name in the cluster.</summary>
    public string NodeName { get; set; } = "";

    /// <summary><c>--advertise-address</c>: the IP clients are told to use; defaults from the bind address.</summary>
    public string? AdvertiseAddress { get; set; }

    /// <summary><c>--container-runtime</c>: <c>docker</c> (the node's engine) or <c>simulated</c> (no processes).</summary>
    public string ContainerRuntime { get; set; } = "docker";

    /// <summary><c>--pid-file</c>; defaults to <c>&lt;data-dir&gt;/agent.pid</c>.</summary>
    public string? PidFile { get; set; }

    /// <summary><c>--etcd-servers</c>: external etcd v3 endpoints; empty means the embedded store.</summary>
    public IList<string> EtcdServers { get; } = [];

    /// <summary><c>--extra-config</c>: raw <c>component.key=value</c> entries, in command-line order.</summary>
    public IList<string> ExtraConfig { get; } = [];

    /// <summary>The pid file actually used.</summary>
    public string EffectivePidFile =>
        string.IsNullOrEmpty(PidFile) ? Path.Combine(DataDir, "agent.pid") : PidFile;

    /// <summary>The agent log file: <c>&lt;data-dir&gt;/logs/agent.log</c>.</summary>
    public string LogFile => Path.Combine(DataDir, "logs", "agent.log");

    /// <summary>
    /// The address advertised to clients: <see cref="AdvertiseAddress"/>, else the bind address unless it is a
    /// wildcard, else loopback (the only address a single-machine cluster is sure to have).
    /// </summary>
    public string EffectiveAdvertiseAddress
    {
        get
        {
            if (!string.IsNullOrEmpty(AdvertiseAddress))
            {
                return AdvertiseAddress;
            }

            return IPAddress.TryParse(BindAddress, out var ip) && !ip.Equals(IPAddress.Any) && !ip.Equals(IPAddress.IPv6Any)
                ? BindAddress
                : "127.0.0.1";
        }
    }

    /// <summary>The flags as <c>agent.&lt;flag&gt;</c> settings, for the merged settings log.</summary>
    public IReadOnlyDictionary<string, string> AsSettings() => new Dictionary<string, string>
    {
        ["agent.data-dir"] = DataDir,
        ["agent.cert-dir"] = CertDir,
        ["agent.bind-address"] = BindAddress,
        ["agent.secure-port"] = SecurePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["agent.node-name"] = NodeName,
        ["agent.advertise-address"] = EffectiveAdvertiseAddress,
        ["agent.pid-file"] = EffectivePidFile,
        ["agent.etcd-servers"] = string.Join(',', EtcdServers),
        ["agent.container-runtime"] = ContainerRuntime,
    };

    /// <summary>Copies every value from <paramref name="other"/> (used to feed the options pipeline).</summary>
    public void CopyFrom(NodeAgentOptions other)
    {
        ArgumentNullException.ThrowIfNull(other);
        DataDir = other.DataDir;
        CertDir = other.CertDir;
        BindAddress = other.BindAddress;
        SecurePort = other.SecurePort;
        NodeName = other.NodeName;
        AdvertiseAddress = other.AdvertiseAddress;
        PidFile = other.PidFile;
        ContainerRuntime = other.ContainerRuntime;
        EtcdServers.Clear();
        foreach (var s in other.EtcdServers)
        {
            EtcdServers.Add(s);
        }

        ExtraConfig.Clear();
        foreach (var e in other.ExtraConfig)
        {
            ExtraConfig.Add(e);
        }
    }
}
