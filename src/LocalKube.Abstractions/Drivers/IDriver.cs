namespace LocalKube.Abstractions.Drivers;

/// <summary>
/// Provisions node machines and runs the node agent in them. Every method is safe to call again after a
/// crash halfway: create and start complete what exists, stop and delete of what is gone succeed.
/// </summary>
/// <remarks>
/// Everything a driver makes on the host carries the profile (docker labels, files under
/// <see cref="MachineRef.StateDirectory"/>), so <see cref="PurgeAsync"/> can find leftovers of crashed runs.
/// </remarks>
public interface IDriver
{
    /// <summary>Static facts about this driver.</summary>
    DriverDescriptor Descriptor { get; }

    /// <summary>Creates the machine if it does not exist, and leaves it running. A no-op if it exists.</summary>
    Task CreateAsync(MachineSpec spec, IProgress<string> progress, CancellationToken cancellationToken);

    /// <summary>Starts an existing, stopped machine. A no-op if it runs.</summary>
    Task StartAsync(MachineRef machine, CancellationToken cancellationToken);

    /// <summary>Stops the agent gracefully, then the machine, keeping all state. Kills after <paramref name="timeout"/>.</summary>
    Task StopAsync(MachineRef machine, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Stops the machine at once, without a graceful shutdown.</summary>
    Task KillAsync(MachineRef machine, CancellationToken cancellationToken);

    /// <summary>Removes the machine and all it owns (volumes, networks, data). Idempotent.</summary>
    Task DeleteAsync(MachineRef machine, CancellationToken cancellationToken);

    /// <summary>The machine's state.</summary>
    Task<MachineState> GetStateAsync(MachineRef machine, CancellationToken cancellationToken);

    /// <summary>How to reach the running machine.</summary>
    Task<NodeEndpoint> GetEndpointAsync(MachineRef machine, CancellationToken cancellationToken);

    /// <summary>
    /// Installs (or updates) the agent and its files in the running machine and starts it detached, so it outlives
    /// the CLI. Stops an agent that already runs first.
    /// </summary>
    Task StartAgentAsync(MachineRef machine, AgentLaunch launch, CancellationToken cancellationToken);

    /// <summary>Whether the agent process is alive in the machine.</summary>
    Task<bool> IsAgentRunningAsync(MachineRef machine, CancellationToken cancellationToken);

    /// <summary>The agent's log lines: the last <paramref name="tailLines"/>, then new ones if <paramref name="follow"/>.</summary>
    IAsyncEnumerable<string> ReadAgentLogAsync(MachineRef machine, int tailLines, bool follow, CancellationToken cancellationToken);

    /// <summary>
    /// Removes everything this driver ever made for <paramref name="profile"/> (found by label or by folder), even when
    /// no profile record exists. Returns a description of each thing removed.
    /// </summary>
    Task<IReadOnlyList<string>> PurgeAsync(string profile, string profileDirectory, CancellationToken cancellationToken);

    /// <summary>
    /// The profiles this driver holds anything for outside the LocalKube home (e.g. labelled containers and volumes),
    /// so <c>delete --all</c> also removes leftovers whose profile folder is gone. Drivers that keep everything under
    /// the profile folder have nothing to report.
    /// </summary>
    Task<IReadOnlyList<string>> FindProfilesAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<string>>([]);

    /// <summary>
    /// A TCP connection to <paramref name="host"/>:<paramref name="port"/> as seen from inside the node (its network
    /// namespace: NodePorts on 127.0.0.1, ClusterIPs through the service proxy), carried over the driver's own channel
    /// so it works where node addresses are not routable from the host (Docker Desktop). <c>localkube service</c> and
    /// <c>tunnel</c> forward through it.
    /// </summary>
    /// <exception cref="NotSupportedException">The driver's node shares the host's network, or cannot do this.</exception>
    Task<Stream> ConnectInNodeAsync(MachineRef machine, string host, int port, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"The {Descriptor.Name} driver cannot open connections inside its node.");
}
