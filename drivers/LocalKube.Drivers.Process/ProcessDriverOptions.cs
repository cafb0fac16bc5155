namespace LocalKube.Drivers.Process;

/// <summary>Settings of the process driver.</summary>
public sealed class ProcessDriverOptions
{
    /// <summary>How long <c>StartAgentAsync</c> waits for the new agent to write its pid file. Default 15 s.</summary>
    public TimeSpan AgentStartTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long <c>StartAgentAsync</c> gives an agent that already runs to stop gracefully. Default 30 s.</summary>
    public TimeSpan AgentRestartTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a followed agent log is checked for new lines. Default 200 ms.</summary>
    public TimeSpan LogPollInterval { get; set; } = TimeSpan.FromMilliseconds(200);
}
