using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using LocalKube.Abstractions.Drivers;
using LocalKube.Abstractions.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LocalKube.Drivers.Process;

/// <summary>
/// Runs the node agent as a plain process on the host, like minikube's <c>none</c> driver (its alias here). The
/// "machine" is a record in its state folder; the agent binds the API server to 127.0.0.1 on the spec's port.
/// </summary>
/// <remarks>
/// There is no isolation: the agent's kubelet drives the host's Docker Engine, and the user's own processes share
/// the host. That is why it is <see cref="DriverPriority.Discouraged"/> and never picked without <c>--driver</c>.
/// Everything it makes lives under <see cref="MachineRef.StateDirectory"/>; agents are recognised by their
/// command line (<c>localkube-node ... --data-dir &lt;state&gt;/data</c>), never by pid alone.
/// </remarks>
public sealed class ProcessDriver : IDriver
{
    private const string DriverName = "process";
    private const string BindAddress = "127.0.0.1";

    private readonly ProcessDriverOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly AgentProcessTable _processes;
    private readonly AgentLauncher _launcher;
    private readonly AgentLogReader _logs;

    /// <summary>Creates the driver; every argument is optional (defaults: default options, system clock, no logging).</summary>
    public ProcessDriver(
        IOptions<ProcessDriverOptions>? options = null, TimeProvider? timeProvider = null, ILogger<ProcessDriver>? logger = null)
    {
        // From a container the options are validated already; built by hand they are validated here the same way.
        _options = options is null ? new ProcessDriverOptions() : ProcessDriverOptionsValidator.Validated(options.Value);
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger<ProcessDriver>.Instance;
        _processes = new AgentProcessTable(_time);
        _launcher = new AgentLauncher(_time);
        _logs = new AgentLogReader(_time, _options.LogPollInterval);
    }

    /// <summary>
    /// <c>process</c>, alias <c>none</c>: Discouraged and not a default candidate (minikube's none driver), so only
    /// <c>--driver=process</c> picks it. No resource limits, no port publishing, no isolation; Linux only.
    /// </summary>
    public static DriverDescriptor DriverDescriptor { get; } =
        new(DriverName, ["none"], DriverPriority.Discouraged, DriverCapabilities.None, IsDefaultCandidate: false, ["linux"]);

    /// <inheritdoc />
    public DriverDescriptor Descriptor => DriverDescriptor;

    /// <inheritdoc />
    public async Task CreateAsync(MachineSpec spec, IProgress<string> progress, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!OperatingSystem.IsLinux())
        {
            throw UnsupportedOs();
        }

        var layout = new MachineLayout(spec.Machine.StateDirectory);
        if (await ReadRecordAsync(layout, cancellationToken) is not null)
        {
            return;
        }

        // The agent binds this port later; finding it taken now gives a clear error instead of a crashed agent.
        EnsurePortFree(spec.ApiServerHostPort);
        progress.Report($"Creating host process machine {spec.Machine.Name} in {layout.Root}");
        Directory.CreateDirectory(layout.Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var record = new MachineRecord(DriverName, spec.Machine.Profile, spec.Machine.Name, spec.Cpus, spec.MemoryMiB,
            spec.ApiServerHostPort, Running: true, _time.GetUtcNow());
        await record.WriteAsync(layout, cancellationToken);
        _logger.LogDebug("Created process machine {Machine} in {Folder}", spec.Machine.Name, layout.Root);
    }

    /// <inheritdoc />
    public async Task StartAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        var layout = new MachineLayout(machine.StateDirectory);
        var record = await RequireRecordAsync(machine, layout, cancellationToken);
        if (!record.Running)
        {
            await (record with { Running = true }).WriteAsync(layout, cancellationToken);
        }
    }

    /// <inheritdoc />
    public async Task StopAsync(MachineRef machine, TimeSpan timeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var layout = new MachineLayout(machine.StateDirectory);
        await StopAgentAsync(layout, timeout, cancellationToken);
        await MarkStoppedAsync(layout, cancellationToken);
    }

    /// <inheritdoc />
    public async Task KillAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var layout = new MachineLayout(machine.StateDirectory);
        await KillAgentAsync(layout, cancellationToken);
        await MarkStoppedAsync(layout, cancellationToken);
    }

    /// <inheritdoc />
    public async Task DeleteAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var layout = new MachineLayout(machine.StateDirectory);

        // Delete discards the data, so a graceful stop buys nothing.
        await KillAgentAsync(layout, cancellationToken);
        if (Directory.Exists(layout.Root))
        {
            Directory.Delete(layout.Root, recursive: true);
            _logger.LogDebug("Deleted process machine {Machine} ({Folder})", machine.Name, layout.Root);
        }
    }

    /// <inheritdoc />
    public async Task<MachineState> GetStateAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        try
        {
            var record = await MachineRecord.ReadAsync(new MachineLayout(machine.StateDirectory), cancellationToken);
            return record switch
            {
                null => MachineState.NotFound,
                { Running: true } => MachineState.Running,
                _ => MachineState.Stopped,
            };
        }
        catch (JsonException)
        {
            return MachineState.Error;
        }
    }

    /// <inheritdoc />
    public async Task<NodeEndpoint> GetEndpointAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        var record = await RequireRunningAsync(machine, new MachineLayout(machine.StateDirectory), cancellationToken);
        return new NodeEndpoint(
            BindAddress,
            new Uri($"https://{BindAddress}:{record.ApiServerHostPort.ToString(CultureInfo.InvariantCulture)}"),
            [BindAddress]);
    }

    /// <inheritdoc />
    public async Task StartAgentAsync(MachineRef machine, AgentLaunch launch, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw UnsupportedOs();
        }

        var layout = new MachineLayout(machine.StateDirectory);
        var record = await RequireRunningAsync(machine, layout, cancellationToken);
        var executable = Path.GetFullPath(Path.Combine(launch.BundleDirectory, AgentProcessTable.AgentExecutable));
        if (!File.Exists(executable))
        {
            throw new LocalKubeException(Reasons.AssetNotFound, $"The node agent {executable} does not exist.");
        }

        await StopAgentAsync(layout, _options.AgentRestartTimeout, cancellationToken);
        await CertificateFolder.WriteAsync(layout.Certs, launch.Files, cancellationToken);
        Directory.CreateDirectory(layout.Data);
        Directory.CreateDirectory(layout.Manifests);
        string[] arguments =
        [
            "run",
            "--data-dir", layout.Data,
            "--cert-dir", layout.Certs,
            "--bind-address", BindAddress,
            "--secure-port", record.ApiServerHostPort.ToString(CultureInfo.InvariantCulture),
            "--pid-file", layout.AgentPid,
            // The host's own /etc/kubernetes/manifests belongs to the host: static pods come from the machine folder.
            "--extra-config", $"kubelet.static-pod-path={layout.Manifests}",
            .. launch.Arguments,
        ];
        var pid = await _launcher.LaunchAsync(layout, executable, arguments, _options.AgentStartTimeout, cancellationToken);
        _logger.LogDebug("Started the node agent of {Machine} as pid {Pid}", machine.Name, pid);
    }

    /// <inheritdoc />
    public Task<bool> IsAgentRunningAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(AgentProcessTable.FromPidFiles(new MachineLayout(machine.StateDirectory)).Count > 0);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<string> ReadAgentLogAsync(
        MachineRef machine, int tailLines, bool follow, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var layout = new MachineLayout(machine.StateDirectory);
        await RequireRecordAsync(machine, layout, cancellationToken);
        await foreach (var line in _logs.ReadAsync(layout.AgentLog, tailLines, follow, cancellationToken))
        {
            yield return line;
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> PurgeAsync(string profile, string profileDirectory, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var machines = Path.GetFullPath(Path.Combine(profileDirectory, "machines"));
        var removed = new List<string>();

        // Agents first, found by command line: that also catches agents whose folder or pid file is already gone.
        foreach (var (pid, data) in AgentProcessTable.Scan(machines))
        {
            var layout = new MachineLayout(Path.GetDirectoryName(data)!);
            await _processes.KillAsync(layout, [pid], cancellationToken);
            removed.Add($"node agent process {pid.ToString(CultureInfo.InvariantCulture)} ({layout.Root})");
        }

        if (Directory.Exists(machines))
        {
            foreach (var folder in Directory.GetDirectories(machines))
            {
                var layout = new MachineLayout(folder);
                if (File.Exists(layout.Record) || Directory.Exists(layout.Data))
                {
                    Directory.Delete(folder, recursive: true);
                    removed.Add($"process machine folder {folder}");
                }
            }
        }

        _logger.LogDebug("Purged {Count} things of profile {Profile}", removed.Count, profile);
        return removed;
    }

    private async Task StopAgentAsync(MachineLayout layout, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var agents = AgentProcessTable.Find(layout);
        if (agents.Count > 0 && !await _processes.StopAsync(layout, agents, timeout, cancellationToken))
        {
            _logger.LogWarning("The node agent ({Pids}) did not stop within {Timeout}; killed it", string.Join(", ", agents), timeout);
        }

        DeletePidFiles(layout);
    }

    private async Task KillAgentAsync(MachineLayout layout, CancellationToken cancellationToken)
    {
        var agents = AgentProcessTable.Find(layout);
        if (agents.Count > 0)
        {
            await _processes.KillAsync(layout, agents, cancellationToken);
        }

        DeletePidFiles(layout);
    }

    private static void DeletePidFiles(MachineLayout layout)
    {
        if (Directory.Exists(layout.Root))
        {
            File.Delete(layout.AgentPid);
            File.Delete(layout.LaunchPid);
        }
    }

    private static async Task MarkStoppedAsync(MachineLayout layout, CancellationToken cancellationToken)
    {
        if (await ReadRecordAsync(layout, cancellationToken) is { Running: true } record)
        {
            await (record with { Running = false }).WriteAsync(layout, cancellationToken);
        }
    }

    private static async Task<MachineRecord?> ReadRecordAsync(MachineLayout layout, CancellationToken cancellationToken)
    {
        try
        {
            return await MachineRecord.ReadAsync(layout, cancellationToken);
        }
        catch (JsonException e)
        {
            throw new LocalKubeException(Reasons.GuestProvision, $"The machine record {layout.Record} is corrupt: {e.Message}", e);
        }
    }

    private static async Task<MachineRecord> RequireRecordAsync(MachineRef machine, MachineLayout layout, CancellationToken cancellationToken) =>
        await ReadRecordAsync(layout, cancellationToken)
            ?? throw new LocalKubeException(Reasons.ProfileNotFound, $"The machine {machine.Name} does not exist.");

    private static async Task<MachineRecord> RequireRunningAsync(MachineRef machine, MachineLayout layout, CancellationToken cancellationToken)
    {
        var record = await RequireRecordAsync(machine, layout, cancellationToken);
        return record.Running
            ? record
            : throw new LocalKubeException(Reasons.GuestProvision, $"The machine {machine.Name} is stopped; start it first.");
    }

    private static LocalKubeException UnsupportedOs() =>
        new(Reasons.DriverUnsupportedOs, "The process driver runs only on Linux.");

    private static void EnsurePortFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new LocalKubeException(Reasons.PortInUse, $"Port {port} on 127.0.0.1 is in use, so the API server cannot bind it.", e);
        }
    }
}
