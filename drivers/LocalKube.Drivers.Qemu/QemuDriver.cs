using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using CliWrap;
using CliWrap.Buffered;
using LocalKube.Abstractions.Drivers;
using LocalKube.Abstractions.Errors;
using LocalKube.Drivers.Vm.GuestAgent;
using LocalKube.Drivers.Vm.Host;
using LocalKube.Drivers.Vm.Image;
using LocalKube.Drivers.Vm.NodeAgent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LocalKube.Drivers.Qemu;

/// <summary>
/// Runs each node as a QEMU virtual machine booted from the VM node image: KVM when a probe proves it works, TCG
/// otherwise. The machine's state folder holds everything (its links to the image, its /var disk, the 9p share,
/// sockets, console), so delete is removing that folder. The agent is driven through the QEMU guest agent.
/// </summary>
public sealed partial class QemuDriver : IDriver
{
    /// <summary>The guest folder where the 9p share (agent bundle and certificates) is mounted.</summary>
    public const string GuestShare = "/run/localkube/share";

    private static readonly TimeSpan GuestCallTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(30);

    private readonly QemuDriverOptions _options;
    private readonly VmNodeImage _image;
    private readonly QemuAcceleratorProbe _accelerator;
    private readonly ILogger _logger;

    /// <summary>Creates a driver; nothing runs until the first call.</summary>
    public QemuDriver(QemuDriverOptions? options = null, ILogger<QemuDriver>? logger = null)
    {
        _options = options ?? new QemuDriverOptions();
        _image = new VmNodeImage(_options.Image);
        _accelerator = new QemuAcceleratorProbe(_options, _options.Image.ResolveCacheDirectory());
        _logger = logger ?? NullLogger<QemuDriver>.Instance;
    }

    /// <inheritdoc />
    public DriverDescriptor Descriptor => QemuDriverDescriptor.Instance;

    /// <summary>The VM node image this driver boots (build on demand).</summary>
    public VmNodeImage Image => _image;

    /// <inheritdoc />
    public async Task CreateAsync(MachineSpec spec, IProgress<string> progress, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var layout = new QemuMachineLayout(spec.Machine.StateDirectory);
        if (await ReadRecordAsync(layout, cancellationToken).ConfigureAwait(false) is not null)
        {
            // Ours, possibly stopped or half-booted by a crashed run: complete it.
            if (QemuProcesses.Find(layout) is null)
            {
                await BootAsync(spec.Machine, layout, progress, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        // Everything that can be refused is refused before anything exists.
        var binaries = QemuBinaries.Require(_options);
        EnsurePortsFree([new PortMapping(spec.ApiServerHostPort, WellKnownPorts.ApiServer), .. spec.Ports]);
        var image = await _image.EnsureAsync(progress, cancellationToken).ConfigureAwait(false);

        progress.Report($"Creating VM {spec.Machine.Name} in {layout.Root}");
        try
        {
            Directory.CreateDirectory(layout.ImageDirectory);
            Directory.CreateDirectory(layout.Share);
            FileLinks.LinkOrCopy(image.Vmlinux, layout.Kernel);
            FileLinks.LinkOrCopy(image.Initrd, layout.Initrd);
            FileLinks.LinkOrCopy(image.RootQcow2, layout.RootDisk);
            // The /var disk is the machine's own: the template as a sparse raw file (a few MB on disk).
            await Cli.Wrap(binaries.Img).WithArguments(["convert", "-q", "-O", "raw", image.DataQcow2, layout.DataDisk])
                .ExecuteBufferedAsync(cancellationToken).ConfigureAwait(false);
            var record = new QemuMachineRecord(QemuDriverDescriptor.Name, spec.Machine.Profile, spec.Machine.Name, spec.Cpus,
                spec.MemoryMiB, spec.ApiServerHostPort, spec.Ports, image.Hash, image.KernelVersion, DateTimeOffset.UtcNow);
            await record.WriteAsync(layout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Leave nothing half-made by this call.
            DeleteFolder(layout);
            if (e is LocalKubeException or OperationCanceledException)
            {
                throw;
            }

            throw new LocalKubeException(Reasons.GuestProvision, $"Could not create the VM {spec.Machine.Name}: {e.Message}", e);
        }

        await BootAsync(spec.Machine, layout, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task StartAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        var layout = new QemuMachineLayout(machine.StateDirectory);
        _ = await RequireRecordAsync(machine, layout, cancellationToken).ConfigureAwait(false);
        if (QemuProcesses.Find(layout) is null)
        {
            await BootAsync(machine, layout, new Progress<string>(), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// An ACPI power-button press: the node's init stops the agent (SIGTERM), then dockerd, unmounts /var and powers
    /// off. QEMU is killed if that takes longer than <paramref name="timeout"/>.
    /// </remarks>
    public async Task StopAsync(MachineRef machine, TimeSpan timeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var layout = new QemuMachineLayout(machine.StateDirectory);
        if (QemuProcesses.Find(layout) is not { } pid)
        {
            return;
        }

        try
        {
            using var call = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            call.CancelAfter(TimeSpan.FromSeconds(10));
            await QemuMonitor.ExecuteAsync(layout.Monitor, "system_powerdown", call.Token).ConfigureAwait(false);
            if (await QemuProcesses.WaitGoneAsync(pid, timeout, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            Log.StopTimedOut(_logger, machine.Name, timeout.TotalSeconds);
        }
        catch (Exception e) when (e is IOException or SocketException or JsonException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            Log.NoMonitor(_logger, machine.Name, e.Message);
        }

        await KillProcessAsync(machine, pid, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task KillAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var layout = new QemuMachineLayout(machine.StateDirectory);
        if (QemuProcesses.Find(layout) is { } pid)
        {
            await KillProcessAsync(machine, pid, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task DeleteAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        // Delete discards the disks, so a graceful stop buys nothing.
        await KillAsync(machine, cancellationToken).ConfigureAwait(false);
        DeleteFolder(new QemuMachineLayout(machine.StateDirectory));
    }

    /// <inheritdoc />
    public async Task<MachineState> GetStateAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        var layout = new QemuMachineLayout(machine.StateDirectory);
        try
        {
            if (await QemuMachineRecord.ReadAsync(layout, cancellationToken).ConfigureAwait(false) is null)
            {
                return MachineState.NotFound;
            }
        }
        catch (JsonException)
        {
            return MachineState.Error;
        }

        return QemuProcesses.Find(layout) is null ? MachineState.Stopped : MachineState.Running;
    }

    /// <inheritdoc />
    public async Task<NodeEndpoint> GetEndpointAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        var (record, _) = await RequireRunningAsync(machine, cancellationToken).ConfigureAwait(false);
        return new NodeEndpoint(
            QemuCommandLine.GuestAddress,
            new Uri($"https://127.0.0.1:{record.ApiServerHostPort.ToString(CultureInfo.InvariantCulture)}"),
            [QemuCommandLine.GuestAddress]);
    }

    /// <inheritdoc />
    /// <remarks>
    /// The bundle and the certificates go to the 9p share, each in a new folder named by its hash (files there never
    /// change, which is what lets the guest cache them); the agent runs from the share without a copy.
    /// </remarks>
    public async Task StartAgentAsync(MachineRef machine, AgentLaunch launch, CancellationToken cancellationToken)
    {
        // A bundle without the agent is refused before the node is touched.
        var hash = AgentBundle.HashBundle(launch.BundleDirectory);
        var (_, layout) = await RequireRunningAsync(machine, cancellationToken).ConfigureAwait(false);
        var share = new QemuShare(layout.Share);
        var bundle = await share.StageBundleAsync(launch.BundleDirectory, hash, cancellationToken).ConfigureAwait(false);
        var certificates = await share.StageFilesAsync(launch.Files, cancellationToken).ConfigureAwait(false);
        await WithAgentAsync(layout, agent => agent.StartAsync($"{GuestShare}/{bundle}", $"{GuestShare}/{certificates}", launch.Arguments, cancellationToken),
            cancellationToken).ConfigureAwait(false);
        share.RemoveAllBut(bundle, certificates);
    }

    /// <inheritdoc />
    public async Task<bool> IsAgentRunningAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var layout = new QemuMachineLayout(machine.StateDirectory);
        if (QemuProcesses.Find(layout) is null)
        {
            return false;
        }

        return await WithAgentAsync(layout, agent => agent.IsRunningAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<string> ReadAgentLogAsync(
        MachineRef machine, int tailLines, bool follow, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (_, layout) = await RequireRunningAsync(machine, cancellationToken).ConfigureAwait(false);
        await using var client = NewGuestAgent(layout);
        var agent = new VmNodeAgent(client);
        await foreach (var line in agent.ReadLogAsync(tailLines, follow, _options.LogPollInterval, cancellationToken).ConfigureAwait(false))
        {
            yield return line;
        }
    }

    /// <summary>
    /// Stops the agent and drops its bundle, certificates and data, leaving the VM running: a node as if newly
    /// created, without a boot. The conformance suite shares one VM across its cases this way.
    /// </summary>
    public async Task ResetAgentAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        var (_, layout) = await RequireRunningAsync(machine, cancellationToken).ConfigureAwait(false);
        await WithAgentAsync(layout, async agent =>
        {
            await agent.ResetAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> PurgeAsync(string profile, string profileDirectory, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var machines = Path.GetFullPath(Path.Combine(profileDirectory, "machines"));
        var removed = new List<string>();

        // VMs first, found by command line: that also catches those whose folder or pid file is already gone.
        if (OperatingSystem.IsLinux())
        {
            foreach (var (pid, pidFile) in QemuProcesses.Scan(machines))
            {
                await QemuProcesses.KillAsync(pid, KillWait, cancellationToken).ConfigureAwait(false);
                removed.Add($"QEMU process {pid.ToString(CultureInfo.InvariantCulture)} ({Path.GetDirectoryName(pidFile)})");
            }
        }

        if (Directory.Exists(machines))
        {
            foreach (var folder in Directory.GetDirectories(machines))
            {
                var layout = new QemuMachineLayout(folder);
                if (File.Exists(layout.Record) || File.Exists(layout.DataDisk))
                {
                    DeleteFolder(layout);
                    removed.Add($"qemu machine folder {folder}");
                }
            }
        }

        return removed;
    }

    private async Task BootAsync(MachineRef machine, QemuMachineLayout layout, IProgress<string> progress, CancellationToken cancellationToken)
    {
        var record = await RequireRecordAsync(machine, layout, cancellationToken).ConfigureAwait(false);
        var binaries = QemuBinaries.Require(_options);
        EnsurePortsFree([new PortMapping(record.ApiServerHostPort, WellKnownPorts.ApiServer), .. record.Ports]);
        var accelerator = await _accelerator.DetectAsync(binaries, layout.Kernel, layout.Initrd, cancellationToken)
            .ConfigureAwait(false);
        progress.Report($"Booting VM {machine.Name} with {accelerator.Name.ToUpperInvariant()} ({accelerator.Reason})");
        Log.Booting(_logger, machine.Name, accelerator.Name, accelerator.Reason);

        Directory.CreateDirectory(layout.Share);
        if (!OperatingSystem.IsWindows() && !layout.Monitor.StartsWith(layout.Root, StringComparison.Ordinal))
        {
            Directory.CreateDirectory(layout.ShortSocketDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        foreach (var stale in new[] { layout.Pid, layout.Monitor, layout.GuestAgent, layout.Console })
        {
            File.Delete(stale);
        }

        var arguments = QemuCommandLine.Build(record, layout, accelerator, Environment.ProcessorCount);
        var started = await Cli.Wrap(binaries.System).WithArguments(arguments)
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(cancellationToken).ConfigureAwait(false);
        if (started.ExitCode != 0)
        {
            var error = started.StandardError.Trim();
            await File.WriteAllTextAsync(layout.QemuLog, error, CancellationToken.None).ConfigureAwait(false);
            throw error.Contains("host forwarding rule", StringComparison.Ordinal)
                ? new LocalKubeException(Reasons.PortInUse, $"QEMU could not forward a host port to the VM {machine.Name}: {error}")
                : new LocalKubeException(Reasons.QemuError, $"QEMU could not start the VM {machine.Name} (exit code {started.ExitCode}): {error}");
        }

        await WaitBootedAsync(machine, layout, accelerator, cancellationToken).ConfigureAwait(false);
    }

    private async Task WaitBootedAsync(MachineRef machine, QemuMachineLayout layout, QemuAccelerator accelerator, CancellationToken cancellationToken)
    {
        var console = new ConsoleLog(layout.Console);
        var timeout = accelerator.IsKvm ? _options.KvmBootTimeout : _options.TcgBootTimeout;
        var deadline = DateTime.UtcNow + timeout;
        try
        {
            while (!console.HasBooted())
            {
                if (console.BootError() is { } reason)
                {
                    throw new LocalKubeException(Reasons.GuestBootFailed,
                        $"The VM {machine.Name} failed to boot: {reason}\nLast console lines ({layout.Console}):\n{console.TailText(15)}");
                }

                if (QemuProcesses.Find(layout) is null)
                {
                    throw new LocalKubeException(Reasons.GuestBootFailed,
                        $"QEMU exited while the VM {machine.Name} was booting.\nLast console lines ({layout.Console}):\n{console.TailText(15)}");
                }

                if (DateTime.UtcNow >= deadline)
                {
                    throw new LocalKubeException(Reasons.GuestBootTimeout,
                        $"The VM {machine.Name} did not boot within {timeout.TotalSeconds:0} s ({accelerator.Name.ToUpperInvariant()}).\nLast console lines ({layout.Console}):\n{console.TailText(15)}");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
            }

            // The init prints the marker once the guest agent runs; a ping proves the channel end to end.
            await using var client = NewGuestAgent(layout);
            using var ping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            ping.CancelAfter(GuestCallTimeout);
            await client.PingAsync(ping.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A VM that did not come up is stopped, not left spinning; 'delete' removes the rest.
            await KillAsync(machine, CancellationToken.None).ConfigureAwait(false);
            if (e is LocalKubeException)
            {
                throw;
            }

            throw new LocalKubeException(Reasons.GuestBootTimeout,
                $"The VM {machine.Name} booted but its guest agent does not answer ({e.Message}).\nLast console lines ({layout.Console}):\n{console.TailText(15)}", e);
        }
    }

    private async Task KillProcessAsync(MachineRef machine, int pid, CancellationToken cancellationToken)
    {
        if (!await QemuProcesses.KillAsync(pid, KillWait, cancellationToken).ConfigureAwait(false))
        {
            throw new LocalKubeException(Reasons.StopTimeout,
                $"QEMU ({pid.ToString(CultureInfo.InvariantCulture)}) of the VM {machine.Name} survived SIGKILL for {KillWait.TotalSeconds:0} s; it may be stuck in the kernel.");
        }
    }

    private async Task<T> WithAgentAsync<T>(QemuMachineLayout layout, Func<VmNodeAgent, Task<T>> action, CancellationToken cancellationToken)
    {
        await using var client = NewGuestAgent(layout);
        using var call = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        call.CancelAfter(GuestCallTimeout);
        try
        {
            return await action(new VmNodeAgent(client)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new LocalKubeException(Reasons.GuestProvision,
                $"The node VM's guest agent did not answer within {GuestCallTimeout.TotalSeconds:0} s; see {layout.Console}.");
        }
    }

    private async Task WithAgentAsync(QemuMachineLayout layout, Func<VmNodeAgent, Task> action, CancellationToken cancellationToken) =>
        await WithAgentAsync(layout, async agent =>
        {
            await action(agent).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);

    private static GuestAgentClient NewGuestAgent(QemuMachineLayout layout) => new(GuestAgentClient.UnixSocket(layout.GuestAgent));

    private static async Task<QemuMachineRecord?> ReadRecordAsync(QemuMachineLayout layout, CancellationToken cancellationToken)
    {
        try
        {
            return await QemuMachineRecord.ReadAsync(layout, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            throw new LocalKubeException(Reasons.GuestProvision, $"The machine record {layout.Record} is corrupt: {e.Message}", e);
        }
    }

    private static async Task<QemuMachineRecord> RequireRecordAsync(MachineRef machine, QemuMachineLayout layout, CancellationToken cancellationToken) =>
        await ReadRecordAsync(layout, cancellationToken).ConfigureAwait(false)
            ?? throw new LocalKubeException(Reasons.GuestProvision, $"The VM {machine.Name} does not exist; 'localkube start' creates it.");

    private static async Task<(QemuMachineRecord Record, QemuMachineLayout Layout)> RequireRunningAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        var layout = new QemuMachineLayout(machine.StateDirectory);
        var record = await RequireRecordAsync(machine, layout, cancellationToken).ConfigureAwait(false);
        return QemuProcesses.Find(layout) is null
            ? throw new LocalKubeException(Reasons.GuestNotRunning, $"The VM {machine.Name} is not running.")
            : (record, layout);
    }

    private static void EnsurePortsFree(IEnumerable<PortMapping> ports)
    {
        foreach (var port in ports.Where(p => p.Protocol == "tcp"))
        {
            try
            {
                using var listener = new TcpListener(IPAddress.Parse(port.HostIp), port.HostPort);
                listener.Start();
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
            {
                throw new LocalKubeException(Reasons.PortInUse, $"Port {port.HostPort} on {port.HostIp} is already in use: {e.Message}.");
            }
        }
    }

    private static void DeleteFolder(QemuMachineLayout layout)
    {
        if (Directory.Exists(layout.ShortSocketDirectory))
        {
            Directory.Delete(layout.ShortSocketDirectory, recursive: true);
        }

        if (Directory.Exists(layout.Root))
        {
            Directory.Delete(layout.Root, recursive: true);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Booting VM {Machine} with {Accelerator}: {Reason}")]
        public static partial void Booting(ILogger logger, string machine, string accelerator, string reason);

        [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "VM {Machine} did not power off within {Seconds} s; killing it")]
        public static partial void StopTimedOut(ILogger logger, string machine, double seconds);

        [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "VM {Machine}: no monitor for a graceful stop ({Error}); killing it")]
        public static partial void NoMonitor(ILogger logger, string machine, string error);
    }
}
