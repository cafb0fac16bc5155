using System.Globalization;
using System.IO.Pipes;
using System.Runtime.CompilerServices;
using System.Text.Json;
using LocalKube.Abstractions.Drivers;
using LocalKube.Abstractions.Errors;
using LocalKube.Drivers.Vm.GuestAgent;
using LocalKube.Drivers.Vm.Image;
using LocalKube.Drivers.Vm.NodeAgent;

namespace LocalKube.Drivers.HyperV;

/// <summary>
/// Runs each node as a Hyper-V generation 1 VM, driven through Hyper-V's PowerShell cmdlets (minikube's command lines):
/// the VM node image's boot ISO in the DVD drive, a differencing disk over the image's root VHDX, a blank /var VHDX
/// (the node formats it on first boot), the chosen virtual switch, and the guest agent on COM2 as a named pipe. The
/// node's address comes from Hyper-V's KVP exchange (the image runs hv_kvp_daemon).
/// </summary>
public sealed class HyperVDriver(HyperVDriverOptions? options = null) : IDriver
{
    private readonly HyperVDriverOptions _options = options ?? new HyperVDriverOptions();

    /// <inheritdoc />
    public DriverDescriptor Descriptor => HyperVDriverDescriptor.Instance;

    /// <inheritdoc />
    public async Task CreateAsync(MachineSpec spec, IProgress<string> progress, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var machine = spec.Machine;
        var layout = new HyperVLayout(machine.StateDirectory);
        var shell = Shell();
        if (await HyperVMachineRecord.ReadAsync(layout.Record, cancellationToken).ConfigureAwait(false) is not null)
        {
            if (await VmStateAsync(shell, machine.Name, cancellationToken).ConfigureAwait(false) != "Running")
            {
                await BootAsync(shell, machine, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        // Everything that can be refused is refused before anything exists.
        var image = RequireImage();
        spec.DriverOptions.TryGetValue("hyperv-virtual-switch", out var requested);
        var switchName = await new HyperVSwitches(shell).ChooseAsync(requested, cancellationToken).ConfigureAwait(false);
        progress.Report($"Creating Hyper-V VM {machine.Name} on the switch '{switchName}'");

        Directory.CreateDirectory(layout.Root);
        var name = machine.Name;
        var memory = (spec.MemoryMiB > 0 ? spec.MemoryMiB : 2048).ToString(CultureInfo.InvariantCulture);
        var cpus = (spec.Cpus > 0 ? spec.Cpus : Environment.ProcessorCount).ToString(CultureInfo.InvariantCulture);
        try
        {
            await shell.RunAsync($"Hyper-V\\New-VHD -Path {Q(layout.RootDisk)} -ParentPath {Q(image.RootVhdx)} -Differencing", cancellationToken).ConfigureAwait(false);
            await shell.RunAsync($"Hyper-V\\New-VHD -Path {Q(layout.DataDisk)} -SizeBytes 20000MB -Dynamic", cancellationToken).ConfigureAwait(false);
            await shell.RunAsync($"Hyper-V\\New-VM {name} -Path {Q(layout.Root)} -Generation 1 -SwitchName {Q(switchName)} -MemoryStartupBytes {memory}MB -NoVHD",
                cancellationToken).ConfigureAwait(false);
            // minikube turns dynamic memory off: the node's memory is a fixed size, like --memory says.
            await shell.RunAsync($"Hyper-V\\Set-VMMemory -VMName {name} -DynamicMemoryEnabled $false", cancellationToken).ConfigureAwait(false);
            await shell.RunAsync($"Hyper-V\\Set-VMProcessor {name} -Count {cpus}", cancellationToken).ConfigureAwait(false);
            await shell.RunAsync($"Hyper-V\\Set-VMDvdDrive -VMName {name} -Path {Q(image.BootIso)}", cancellationToken).ConfigureAwait(false);
            await shell.RunAsync($"Hyper-V\\Add-VMHardDiskDrive -VMName {name} -ControllerType IDE -ControllerNumber 0 -ControllerLocation 0 -Path {Q(layout.RootDisk)}",
                cancellationToken).ConfigureAwait(false);
            await shell.RunAsync($"Hyper-V\\Add-VMHardDiskDrive -VMName {name} -ControllerType IDE -ControllerNumber 0 -ControllerLocation 1 -Path {Q(layout.DataDisk)}",
                cancellationToken).ConfigureAwait(false);
            await shell.RunAsync($"Hyper-V\\Set-VMComPort -VMName {name} -Number 2 -Path {Q(PipePath(name))}", cancellationToken).ConfigureAwait(false);
            await new HyperVMachineRecord(HyperVDriverDescriptor.Name, machine.Profile, name, switchName, spec.Cpus, spec.MemoryMiB, image.Hash,
                DateTimeOffset.UtcNow).WriteAsync(layout.Record, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || cancellationToken.IsCancellationRequested)
        {
            // Never leave a half-made VM behind.
            await RemoveVmAsync(shell, name, CancellationToken.None).ConfigureAwait(false);
            DeleteFolder(layout);
            throw;
        }

        await BootAsync(shell, machine, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task StartAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        var layout = new HyperVLayout(machine.StateDirectory);
        _ = await RequireRecordAsync(machine, layout, cancellationToken).ConfigureAwait(false);
        var shell = Shell();
        if (await VmStateAsync(shell, machine.Name, cancellationToken).ConfigureAwait(false) != "Running")
        {
            await BootAsync(shell, machine, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Stop-VM asks the guest through the shutdown integration service; the image's <c>poweroff</c> turns that into
    /// the node's graceful stop (agent, dockerd, /var). After <paramref name="timeout"/> the VM is turned off.
    /// </remarks>
    public async Task StopAsync(MachineRef machine, TimeSpan timeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var shell = Shell();
        if (await VmStateAsync(shell, machine.Name, cancellationToken).ConfigureAwait(false) is not ("Running" or "Starting" or "Paused"))
        {
            return;
        }

        using var graceful = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        graceful.CancelAfter(timeout);
        try
        {
            await shell.RunAsync($"Hyper-V\\Stop-VM {machine.Name}", graceful.Token).ConfigureAwait(false);
            await WaitStateAsync(shell, machine.Name, "Off", timeout, graceful.Token).ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Did not shut down in time: turn it off below.
        }

        await KillAsync(machine, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task KillAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var shell = Shell();
        if (await VmStateAsync(shell, machine.Name, cancellationToken).ConfigureAwait(false) is "Off" or null)
        {
            return;
        }

        await shell.RunAsync($"Hyper-V\\Stop-VM {machine.Name} -TurnOff -Force", cancellationToken).ConfigureAwait(false);
        await WaitStateAsync(shell, machine.Name, "Off", TimeSpan.FromMinutes(1), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task DeleteAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await RemoveVmAsync(Shell(), machine.Name, cancellationToken).ConfigureAwait(false);
        DeleteFolder(new HyperVLayout(machine.StateDirectory));
    }

    /// <inheritdoc />
    public async Task<MachineState> GetStateAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var layout = new HyperVLayout(machine.StateDirectory);
        try
        {
            if (await HyperVMachineRecord.ReadAsync(layout.Record, cancellationToken).ConfigureAwait(false) is null)
            {
                return MachineState.NotFound;
            }
        }
        catch (JsonException)
        {
            return MachineState.Error;
        }

        return await VmStateAsync(Shell(), machine.Name, cancellationToken).ConfigureAwait(false) switch
        {
            "Running" => MachineState.Running,
            "Off" => MachineState.Stopped,
            "Starting" or "Stopping" or "Saving" => MachineState.Starting,
            "Paused" or "Saved" => MachineState.Paused,
            // The record says it exists but Hyper-V does not know it: removed behind our back.
            _ => MachineState.Error,
        };
    }

    /// <inheritdoc />
    /// <remarks>The node is reached on its address on the switch; the API server listens there on 8443.</remarks>
    public async Task<NodeEndpoint> GetEndpointAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        var shell = Shell();
        var address = await AddressAsync(shell, machine.Name, cancellationToken).ConfigureAwait(false)
            ?? throw new LocalKubeException(Reasons.GuestNotRunning, $"The VM {machine.Name} is not running or has no address.");
        return new NodeEndpoint(address, new Uri($"https://{address}:{WellKnownPorts.ApiServer.ToString(CultureInfo.InvariantCulture)}"), [address]);
    }

    /// <inheritdoc />
    public async Task StartAgentAsync(MachineRef machine, AgentLaunch launch, CancellationToken cancellationToken)
    {
        _ = AgentBundle.HashBundle(launch.BundleDirectory);
        await RequireRunningAsync(machine, cancellationToken).ConfigureAwait(false);
        await using var guest = GuestAgent(machine.Name);
        await UploadedAgentInstaller.StartAsync(guest, launch, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> IsAgentRunningAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        if (await GetStateAsync(machine, cancellationToken).ConfigureAwait(false) != MachineState.Running)
        {
            return false;
        }

        await using var guest = GuestAgent(machine.Name);
        return await new VmNodeAgent(guest).IsRunningAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<string> ReadAgentLogAsync(
        MachineRef machine, int tailLines, bool follow, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await RequireRunningAsync(machine, cancellationToken).ConfigureAwait(false);
        await using var guest = GuestAgent(machine.Name);
        await foreach (var line in new VmNodeAgent(guest).ReadLogAsync(tailLines, follow, _options.LogPollInterval, cancellationToken).ConfigureAwait(false))
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
        if (_options.Platform != "windows" || PowerShell.Find(_options) is null)
        {
            return removed;
        }

        // VMs found by where Hyper-V keeps them, so one whose record is gone is found too.
        var shell = Shell();
        var names = await shell.RunAsync(
            $"Hyper-V\\Get-VM | Where-Object {{$_.Path -like {PowerShell.Quote(machines + Path.DirectorySeparatorChar + "*")}}} | Select-Object -ExpandProperty Name",
            cancellationToken).ConfigureAwait(false);
        foreach (var name in names.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            await RemoveVmAsync(shell, name, cancellationToken).ConfigureAwait(false);
            removed.Add($"Hyper-V VM {name}");
        }

        if (Directory.Exists(machines))
        {
            foreach (var folder in Directory.GetDirectories(machines).Where(f => File.Exists(new HyperVLayout(f).Record)))
            {
                DeleteFolder(new HyperVLayout(folder));
                removed.Add($"hyperv machine folder {folder}");
            }
        }

        return removed;
    }

    private async Task BootAsync(PowerShell shell, MachineRef machine, CancellationToken cancellationToken)
    {
        await shell.RunAsync($"Hyper-V\\Start-VM {machine.Name}", cancellationToken).ConfigureAwait(false);
        var deadline = DateTime.UtcNow + _options.AddressTimeout;
        while (await AddressAsync(shell, machine.Name, cancellationToken).ConfigureAwait(false) is null)
        {
            if (DateTime.UtcNow >= deadline)
            {
                throw new LocalKubeException(Reasons.GuestBootTimeout,
                    $"The Hyper-V VM {machine.Name} got no address within {_options.AddressTimeout.TotalSeconds:0} s (see its console in Hyper-V Manager).");
            }

            await Task.Delay(_options.PollInterval, cancellationToken).ConfigureAwait(false);
        }

        await using var guest = GuestAgent(machine.Name);
        using var ping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ping.CancelAfter(_options.GuestAgentTimeout);
        try
        {
            await guest.PingAsync(ping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new LocalKubeException(Reasons.GuestBootTimeout,
                $"The Hyper-V VM {machine.Name} has an address, but its guest agent on COM2 did not answer within {_options.GuestAgentTimeout.TotalSeconds:0} s.");
        }
    }

    private async Task<string?> AddressAsync(PowerShell shell, string name, CancellationToken cancellationToken)
    {
        if (await VmStateAsync(shell, name, cancellationToken).ConfigureAwait(false) != "Running")
        {
            return null;
        }

        var result = await shell.TryRunAsync($"(( Hyper-V\\Get-VM {name} ).networkadapters[0]).ipaddresses[0]", cancellationToken).ConfigureAwait(false);
        var first = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return result.ExitCode == 0 && !string.IsNullOrEmpty(first) ? first : null;
    }

    // The VM's state as Hyper-V names it (Running, Off, ...), or null when there is no such VM.
    private static async Task<string?> VmStateAsync(PowerShell shell, string name, CancellationToken cancellationToken)
    {
        var result = await shell.TryRunAsync($"( Hyper-V\\Get-VM {name} ).state", cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            return result.StandardError.Contains("unable to find a virtual machine", StringComparison.OrdinalIgnoreCase)
                ? null
                : throw new LocalKubeException(PowerShell.Classify(result.StandardError), $"Cannot read the state of the Hyper-V VM {name}: {result.StandardError.Trim()}");
        }

        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
    }

    private async Task WaitStateAsync(PowerShell shell, string name, string state, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (await VmStateAsync(shell, name, cancellationToken).ConfigureAwait(false) is { } current && current != state)
        {
            if (DateTime.UtcNow >= deadline)
            {
                throw new LocalKubeException(Reasons.StopTimeout, $"The Hyper-V VM {name} is still {current} after {timeout.TotalSeconds:0} s.");
            }

            await Task.Delay(_options.PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task RemoveVmAsync(PowerShell shell, string name, CancellationToken cancellationToken)
    {
        var state = await VmStateAsync(shell, name, cancellationToken).ConfigureAwait(false);
        if (state is null)
        {
            return;
        }

        if (state != "Off")
        {
            await shell.RunAsync($"Hyper-V\\Stop-VM {name} -TurnOff -Force", cancellationToken).ConfigureAwait(false);
        }

        await shell.RunAsync($"Hyper-V\\Remove-VM {name} -Force", cancellationToken).ConfigureAwait(false);
    }

    private async Task RequireRunningAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        _ = await RequireRecordAsync(machine, new HyperVLayout(machine.StateDirectory), cancellationToken).ConfigureAwait(false);
        if (await VmStateAsync(Shell(), machine.Name, cancellationToken).ConfigureAwait(false) != "Running")
        {
            throw new LocalKubeException(Reasons.GuestNotRunning, $"The Hyper-V VM {machine.Name} is not running.");
        }
    }

    private static async Task<HyperVMachineRecord> RequireRecordAsync(MachineRef machine, HyperVLayout layout, CancellationToken cancellationToken) =>
        await HyperVMachineRecord.ReadAsync(layout.Record, cancellationToken).ConfigureAwait(false)
            ?? throw new LocalKubeException(Reasons.GuestProvision, $"The VM {machine.Name} does not exist; 'localkube start' creates it.");

    private VmImageFiles RequireImage()
    {
        var image = new VmNodeImage(_options.Image);
        var files = image.Find();
        return files is not null && File.Exists(files.RootVhdx) && File.Exists(files.BootIso)
            ? files
            : throw new LocalKubeException(Reasons.NodeImageBuild,
                $"The VM node image for Hyper-V (rootfs.vhdx and boot.iso) is not in {image.Directory}. Build it on Linux with " +
                "'LOCALKUBE_VM_FORMATS=\"vhdx iso\" localkube node-image build --vm' and copy that folder here.");
    }

    private PowerShell Shell() =>
        new(PowerShell.Find(_options) ?? throw new LocalKubeException(Reasons.HyperVPowerShellNotFound, "PowerShell was not found on the PATH."));

    private GuestAgentClient GuestAgent(string name) =>
        new(_options.GuestAgentConnector?.Invoke(name) ?? (async cancellationToken =>
        {
            var pipe = new NamedPipeClientStream(".", PipeName(name), PipeDirection.InOut, PipeOptions.Asynchronous);
            await pipe.ConnectAsync(cancellationToken).ConfigureAwait(false);
            return pipe;
        }));

    private static string PipeName(string name) => $"localkube-{name}";

    private static string PipePath(string name) => $@"\\.\pipe\{PipeName(name)}";

    private static string Q(string value) => PowerShell.Quote(value);

    private static void DeleteFolder(HyperVLayout layout)
    {
        if (Directory.Exists(layout.Root))
        {
            Directory.Delete(layout.Root, recursive: true);
        }
    }
}
