using System.Globalization;

namespace LocalKube.Abstractions.Drivers;

/// <summary>
/// Where the agent lives inside an isolated node (a container or a VM), and the arguments the driver gives it there
/// (docs/design.md, "Where things live"). Every isolated driver uses the same layout, so the agent cannot tell them
/// apart.
/// </summary>
public static class IsolatedNodeLayout
{
    /// <summary>The installed agent bundle (its hash in <c>.bundle-hash</c>).</summary>
    public const string AgentDirectory = "/var/lib/localkube/agent";

    /// <summary>The certificate files, rewritten at every agent start.</summary>
    public const string CertDirectory = "/var/lib/localkube/certs";

    /// <summary>The agent's <c>--data-dir</c> (store, logs).</summary>
    public const string DataDirectory = "/var/lib/localkube/data";

    /// <summary>The agent's pid file, on a tmpfs so it is gone after a stop.</summary>
    public const string PidFile = "/run/localkube/agent.pid";

    /// <summary>The agent's JSON log.</summary>
    public const string LogFile = DataDirectory + "/logs/agent.log";

    /// <summary>What the agent wrote before its own logging was up (e.g. "cannot execute").</summary>
    public const string ConsoleFile = DataDirectory + "/logs/agent.console";

    /// <summary>
    /// The agent's full argument list after the executable: <c>run</c>, the flags the driver owns, then
    /// <paramref name="callerArguments"/>. The node's own 127.0.0.1:2379 is free (its network is its own), so the
    /// embedded store is served there like etcd in a kubeadm node, and <c>etcdctl</c> inside the node sees the data.
    /// </summary>
    public static IReadOnlyList<string> AgentArguments(IReadOnlyList<string> callerArguments) =>
    [
        "run",
        "--data-dir", DataDirectory,
        "--cert-dir", CertDirectory,
        "--bind-address", "0.0.0.0",
        "--secure-port", WellKnownPorts.ApiServer.ToString(CultureInfo.InvariantCulture),
        "--pid-file", PidFile,
        "--extra-config", $"storage.listen-client-urls=http://127.0.0.1:{WellKnownPorts.Etcd.ToString(CultureInfo.InvariantCulture)}",
        .. callerArguments,
    ];
}
