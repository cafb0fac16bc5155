namespace LocalKube.Drivers.Process;

/// <summary>Where the process driver keeps one machine's files inside its state folder.</summary>
internal sealed class MachineLayout(string stateDirectory)
{
    /// <summary>The absolute state folder: the agent's command line carries it, so /proc checks compare absolute paths.</summary>
    public string Root { get; } = Path.GetFullPath(stateDirectory);

    /// <summary>The machine record; its presence is what makes the machine exist.</summary>
    public string Record => Path.Combine(Root, "machine.json");

    /// <summary>The agent's <c>--cert-dir</c>.</summary>
    public string Certs => Path.Combine(Root, "certs");

    /// <summary>The agent's <c>--data-dir</c>; survives stop, removed by delete.</summary>
    public string Data => Path.Combine(Root, "data");

    /// <summary>Static pod manifests the kubelet runs (the node's <c>/etc/kubernetes/manifests</c>).</summary>
    public string Manifests => Path.Combine(Root, "manifests");

    /// <summary>The agent's <c>--pid-file</c>, written by the agent once it runs.</summary>
    public string AgentPid => Path.Combine(Root, "agent.pid");

    /// <summary>The pid the launcher shell wrote before it exec'd the agent (same process), known before the agent runs.</summary>
    public string LaunchPid => Path.Combine(Root, "agent.launch.pid");

    /// <summary>The agent's stdout and stderr (crashes before its logger is up land here).</summary>
    public string AgentOutput => Path.Combine(Root, "agent.out");

    /// <summary>The agent's JSON log (the agent contract).</summary>
    public string AgentLog => Path.Combine(Data, "logs", "agent.log");
}
