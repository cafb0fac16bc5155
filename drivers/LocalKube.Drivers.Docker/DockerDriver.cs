using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;
using LocalKube.Abstractions.Drivers;
using LocalKube.Abstractions.Errors;

namespace LocalKube.Drivers.Docker;

/// <summary>
/// Runs each node as a container of the local Docker engine, with its own dockerd inside (the kic model of minikube,
/// without <c>--privileged</c>). Every object it makes carries the profile labels; "not found" is a value throughout.
/// </summary>
public sealed class DockerDriver : IDriver, INodeShell, IContainerEngineEndpoint, IDisposable
{
    private readonly DockerConnection _connection;
    private readonly NodeAgent _agent;

    /// <summary>Creates a driver; nothing touches Docker until the first call.</summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid.</exception>
    public DockerDriver(DockerDriverOptions options)
        : this(new DockerConnection(DockerDriverOptionsValidator.Validated(options)))
    {
    }

    /// <summary>Creates a driver from the options system (validated by <see cref="DockerDriverOptionsValidator"/>).</summary>
    /// <param name="options">The settings.</param>
    /// <param name="time">The clock of the driver's waits (system clock by default).</param>
    public DockerDriver(Microsoft.Extensions.Options.IOptions<DockerDriverOptions> options, TimeProvider? time = null)
        : this(new DockerConnection(DockerDriverOptionsValidator.Validated((options ?? throw new ArgumentNullException(nameof(options))).Value)), time)
    {
    }

    internal DockerDriver(DockerConnection connection, TimeProvider? time = null)
    {
        _connection = connection;
        _agent = new NodeAgent(connection.Options, time ?? TimeProvider.System);
        NodeImage = new DockerNodeImage(connection);
    }

    /// <inheritdoc />
    public DriverDescriptor Descriptor => DockerDriverDescriptor.Instance;

    /// <summary>The node image this driver runs (tag, build on demand).</summary>
    public DockerNodeImage NodeImage { get; }

    /// <inheritdoc />
    public async Task CreateAsync(MachineSpec spec, IProgress<string> progress, CancellationToken cancellationToken)
    {
        var client = await _connection.GetClientAsync(cancellationToken).ConfigureAwait(false);
        var machine = spec.Machine;
        var existing = await DockerResources.InspectContainerAsync(client, machine.Name, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            EnsureOurs(existing, machine);
            if (existing.State.Dead || existing.State.Status == "dead")
            {
                progress.Report($"Removing broken node container {machine.Name}");
                await DockerResources.RemoveContainerAsync(client, existing.ID, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                // Ours, possibly half-made by a crashed run (created, never started): complete it.
                await NodeContainers.StartExistingAsync(client, existing, machine, cancellationToken).ConfigureAwait(false);
                return;
            }
        }

        var ports = NodeContainerSpec.PublishedPorts(spec);
        PortAvailability.EnsureFree(ports);
        var image = await NodeImage.EnsureAsync(spec.BaseImage, progress, cancellationToken).ConfigureAwait(false);

        bool madeNetwork = false, madeVolume = false;
        string? containerId = null;
        try
        {
            progress.Report($"Creating network {DockerLabels.NetworkName(machine.Profile)} and volume {machine.Name}");
            madeNetwork = await DockerResources.EnsureNetworkAsync(client, machine, cancellationToken).ConfigureAwait(false);
            madeVolume = await DockerResources.EnsureVolumeAsync(client, machine, cancellationToken).ConfigureAwait(false);

            progress.Report($"Creating node container {machine.Name} from {image}");
            containerId = await NodeContainers.CreateContainerAsync(client, spec, image, cancellationToken).ConfigureAwait(false);
            if (spec.EngineTls is { } tls)
            {
                await EngineEndpoint.WriteFilesAsync(client, containerId, tls, cancellationToken).ConfigureAwait(false);
            }

            await NodeContainers.StartContainerAsync(client, containerId, machine.Name, ports, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Leave nothing half-made by this call; what existed before stays.
            await NodeContainers.RollbackAsync(client, machine, containerId, madeVolume, madeNetwork).ConfigureAwait(false);
            if (e is LocalKubeException or OperationCanceledException)
            {
                throw;
            }

            throw DockerErrors.AsPortInUse(e, ports) ?? DockerErrors.Provision($"Could not create node {machine.Name}", e);
        }
    }

    /// <inheritdoc />
    public async Task StartAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        var client = await _connection.GetClientAsync(cancellationToken).ConfigureAwait(false);
        var existing = await DockerResources.InspectContainerAsync(client, machine.Name, cancellationToken).ConfigureAwait(false)
            ?? throw new LocalKubeException(Reasons.GuestProvision, $"Node {machine.Name} does not exist; 'localkube start' creates it.");
        EnsureOurs(existing, machine);
        await NodeContainers.StartExistingAsync(client, existing, machine, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task StopAsync(MachineRef machine, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var client = await _connection.GetClientAsync(cancellationToken).ConfigureAwait(false);
        var existing = await OursAsync(client, machine, cancellationToken).ConfigureAwait(false);
        if (existing is null || !existing.State.Running)
        {
            return;
        }

        try
        {
            // localkube-init turns the SIGTERM into: stop the agent, then dockerd, then exit 0. Docker kills after timeout.
            var seconds = (uint)Math.Max(1, Math.Ceiling(timeout.TotalSeconds));
            await client.Containers.StopContainerAsync(existing.ID, new ContainerStopParameters { WaitBeforeKillSeconds = seconds }, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception e) when (DockerErrors.IsNotFound(e))
        {
        }
    }

    /// <inheritdoc />
    public async Task KillAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        var client = await _connection.GetClientAsync(cancellationToken).ConfigureAwait(false);
        var existing = await OursAsync(client, machine, cancellationToken).ConfigureAwait(false);
        if (existing is null || !existing.State.Running)
        {
            return;
        }

        try
        {
            await client.Containers.KillContainerAsync(existing.ID, new ContainerKillParameters { Signal = "KILL" }, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception e) when (DockerErrors.IsNotFound(e) || DockerErrors.IsConflict(e))
        {
            // Gone or already stopped: the goal is met.
        }
    }

    /// <inheritdoc />
    public async Task DeleteAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        var client = await _connection.GetClientAsync(cancellationToken).ConfigureAwait(false);
        var existing = await OursAsync(client, machine, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            await DockerResources.RemoveContainerAsync(client, existing.ID, cancellationToken).ConfigureAwait(false);
        }

        var volume = await DockerResources.InspectVolumeAsync(client, machine.Name, cancellationToken).ConfigureAwait(false);
        if (volume is not null && DockerLabels.BelongsTo(volume.Labels, machine.Profile))
        {
            await DockerResources.RemoveVolumeAsync(client, volume.Name, cancellationToken).ConfigureAwait(false);
        }

        await DockerResources.RemoveNetworkIfUnusedAsync(client, machine.Profile, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<MachineState> GetStateAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        var client = await _connection.GetClientAsync(cancellationToken).ConfigureAwait(false);
        var existing = await DockerResources.InspectContainerAsync(client, machine.Name, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            return MachineState.NotFound;
        }

        if (!DockerLabels.BelongsTo(existing.Config?.Labels, machine.Profile))
        {
            // A stranger's container holds the name: it exists, but it is not a usable node.
            return MachineState.Error;
        }

        var state = existing.State;
        return state switch
        {
            { Paused: true } => MachineState.Paused,
            { Restarting: true } => MachineState.Starting,
            { Running: true } => MachineState.Running,
            { Dead: true } => MachineState.Error,
            _ => state.Status switch
            {
                "exited" => MachineState.Stopped,
                "removing" => MachineState.Error,
                // "created": made but never started, i.e. half-created; CreateAsync completes it.
                _ => MachineState.Error,
            },
        };
    }

    /// <inheritdoc />
    public async Task<NodeEndpoint> GetEndpointAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        var client = await _connection.GetClientAsync(cancellationToken).ConfigureAwait(false);
        var existing = await OursAsync(client, machine, cancellationToken).ConfigureAwait(false);
        if (existing is null || !existing.State.Running)
        {
            throw new LocalKubeException(Reasons.GuestProvision, $"Node {machine.Name} is not running.");
        }

        var networks = existing.NetworkSettings?.Networks ?? new Dictionary<string, EndpointSettings>();
        var addresses = networks.Values.Select(n => n.IPAddress).Where(ip => !string.IsNullOrEmpty(ip)).Distinct().ToList();
        var nodeIp = networks.TryGetValue(DockerLabels.NetworkName(machine.Profile), out var own) && !string.IsNullOrEmpty(own.IPAddress)
            ? own.IPAddress
            : addresses.FirstOrDefault()
              ?? throw new LocalKubeException(Reasons.GuestProvision, $"Node {machine.Name} has no network address.");

        var published = existing.NetworkSettings?.Ports is { } ports && ports.TryGetValue(NodeContainerSpec.ApiServerPort, out var bound)
            ? bound?.FirstOrDefault(b => !string.IsNullOrEmpty(b.HostPort))
            : null;
        var hostPort = published?.HostPort
            ?? throw new LocalKubeException(Reasons.GuestProvision, $"Node {machine.Name} does not publish port {WellKnownPorts.ApiServer}.");
        return new NodeEndpoint(nodeIp, new Uri($"https://127.0.0.1:{int.Parse(hostPort, CultureInfo.InvariantCulture)}"), addresses);
    }

    /// <inheritdoc />
    public async Task StartAgentAsync(MachineRef machine, AgentLaunch launch, CancellationToken cancellationToken)
    {
        var (client, id) = await RunningAsync(machine, cancellationToken).ConfigureAwait(false);
        await _agent.StartAsync(client, id, launch, cancellationToken).ConfigureAwait(false);
    }


    /// <inheritdoc />
    /// <remarks>An attached exec of <c>busybox nc</c> in the node: no route to the node's address is needed.</remarks>
    public async Task<Stream> ConnectInNodeAsync(MachineRef machine, string host, int port, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(machine);
        var client = await _connection.GetClientAsync(cancellationToken).ConfigureAwait(false);
        var exec = await client.Exec.ExecCreateContainerAsync(machine.Name, new global::Docker.DotNet.Models.ContainerExecCreateParameters
        {
            Cmd = ["busybox", "nc", host, port.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            AttachStdin = true,
            AttachStdout = true,
            AttachStderr = true,
        }, cancellationToken).ConfigureAwait(false);
        var stream = await client.Exec.StartAndAttachContainerExecAsync(exec.ID, false, cancellationToken).ConfigureAwait(false);
        return new ExecStream(stream);
    }
    /// <inheritdoc />
    public async Task<bool> IsAgentRunningAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        var client = await _connection.GetClientAsync(cancellationToken).ConfigureAwait(false);
        var existing = await OursAsync(client, machine, cancellationToken).ConfigureAwait(false);
        // A paused node refuses exec; its agent is not serving either.
        return existing is { State.Running: true, State.Paused: false }
            && await _agent.IsRunningAsync(client, existing.ID, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<string> ReadAgentLogAsync(
        MachineRef machine, int tailLines, bool follow, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (client, id) = await RunningAsync(machine, cancellationToken).ConfigureAwait(false);
        await foreach (var line in _agent.ReadLogAsync(client, id, tailLines, follow, cancellationToken).ConfigureAwait(false))
        {
            yield return line;
        }
    }

    /// <summary>The engine's client, or null when Docker is not installed at all (other failures still throw).</summary>
    private async Task<IDockerClient?> TryGetClientAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _connection.GetClientAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (LocalKubeException e) when (e.Reason == Reasons.DockerNotFound)
        {
            return null;
        }
    }

    /// <inheritdoc />
    /// <remarks>Without Docker installed there is nothing it could have made, so the result is empty.</remarks>
    public async Task<IReadOnlyList<string>> FindProfilesAsync(CancellationToken cancellationToken)
    {
        if (await TryGetClientAsync(cancellationToken).ConfigureAwait(false) is not { } client)
        {
            return [];
        }

        var filter = DockerLabels.AnyProfileFilter();
        var containers = await client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filter }, cancellationToken).ConfigureAwait(false);
        var volumes = (await client.Volumes.ListAsync(new VolumesListParameters { Filters = filter }, cancellationToken).ConfigureAwait(false)).Volumes ?? [];
        var networks = await client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = filter }, cancellationToken).ConfigureAwait(false);
        return containers.Select(c => c.Labels).Concat(volumes.Select(v => v.Labels)).Concat(networks.Select(n => n.Labels))
            .Select(l => l is not null && l.TryGetValue(WellKnownLabels.Profile, out var p) ? p : null)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <inheritdoc />
    /// <remarks>
    /// The docker driver keeps nothing in <paramref name="profileDirectory"/>. When Docker is not installed at all there
    /// is nothing it could have made, so the result is empty instead of an error.
    /// </remarks>
    public async Task<IReadOnlyList<string>> PurgeAsync(string profile, string profileDirectory, CancellationToken cancellationToken)
    {
        if (await TryGetClientAsync(cancellationToken).ConfigureAwait(false) is not { } client)
        {
            return [];
        }

        var removed = new List<string>();
        foreach (var c in await DockerResources.ListContainersAsync(client, profile, cancellationToken).ConfigureAwait(false))
        {
            if (await DockerResources.RemoveContainerAsync(client, c.ID, cancellationToken).ConfigureAwait(false))
            {
                removed.Add($"container {c.Names.FirstOrDefault()?.TrimStart('/') ?? c.ID}");
            }
        }

        foreach (var v in await DockerResources.ListVolumesAsync(client, profile, cancellationToken).ConfigureAwait(false))
        {
            if (await DockerResources.RemoveVolumeAsync(client, v.Name, cancellationToken).ConfigureAwait(false))
            {
                removed.Add($"volume {v.Name}");
            }
        }

        foreach (var n in await DockerResources.ListNetworksAsync(client, profile, cancellationToken).ConfigureAwait(false))
        {
            if (await DockerResources.RemoveNetworkAsync(client, n.ID, cancellationToken).ConfigureAwait(false))
            {
                removed.Add($"network {n.Name}");
            }
        }

        return removed;
    }

    /// <inheritdoc />
    public async Task<int> RunAsync(MachineRef machine, NodeCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var (client, id) = await RunningAsync(machine, cancellationToken).ConfigureAwait(false);
        if (command.Terminal)
        {
            var endpoint = await _connection.GetEndpointAsync(cancellationToken).ConfigureAwait(false);
            return await NodeShell.RunOnTerminalAsync(endpoint.Endpoint, id, command, cancellationToken).ConfigureAwait(false);
        }

        return await NodeShell.RunStreamedAsync(client, id, command, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<Uri?> GetEngineEndpointAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        var client = await _connection.GetClientAsync(cancellationToken).ConfigureAwait(false);
        var existing = await OursAsync(client, machine, cancellationToken).ConfigureAwait(false);
        return existing is { State.Running: true } ? EngineEndpoint.Find(existing) : null;
    }

    /// <inheritdoc />
    public void Dispose() => _connection.Dispose();

    private static void EnsureOurs(ContainerInspectResponse container, MachineRef machine)
    {
        if (!DockerLabels.BelongsTo(container.Config?.Labels, machine.Profile))
        {
            throw new LocalKubeException(Reasons.GuestProvision,
                $"A Docker container named {machine.Name} exists but LocalKube did not make it for profile {machine.Profile}; it was left alone. Remove or rename it, or use another profile name.");
        }
    }

    private static async Task<ContainerInspectResponse?> OursAsync(IDockerClient client, MachineRef machine, CancellationToken cancellationToken)
    {
        var existing = await DockerResources.InspectContainerAsync(client, machine.Name, cancellationToken).ConfigureAwait(false);
        return existing is not null && DockerLabels.BelongsTo(existing.Config?.Labels, machine.Profile) ? existing : null;
    }

    private async Task<(IDockerClient Client, string Id)> RunningAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        var client = await _connection.GetClientAsync(cancellationToken).ConfigureAwait(false);
        var existing = await OursAsync(client, machine, cancellationToken).ConfigureAwait(false);
        return existing is { State.Running: true }
            ? (client, existing.ID)
            : throw new LocalKubeException(Reasons.GuestProvision, $"Node {machine.Name} is not running; 'localkube start' starts it.");
    }
}
