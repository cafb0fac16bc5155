using System.Diagnostics;
using System.Globalization;
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

namespace LocalKube.Drivers.Xhyve;

/// <summary>
/// Runs each node as a hyperkit VM (macOS's Hypervisor.framework; the xhyve lineage), driven through the hyperkit CLI:
/// kexec of the VM node image's kernel and initramfs, the image's raw root disk and a blank /var disk as virtio disks,
/// vmnet networking (the address comes from bootpd's leases file, matched by the node's hostname), the guest agent on
/// a vsock port that hyperkit forwards to a Unix socket, and the console in hyperkit's log ring.
/// </summary>
/// <remarks>Deprecated like minikube's hyperkit driver: hyperkit is no longer maintained. Use docker or qemu.</remarks>
public sealed class XhyveDriver(XhyveDriverOptions? options = null) : IDriver
{
    private readonly XhyveDriverOptions _options = options ?? new XhyveDriverOptions();

    /// <inheritdoc />
    public DriverDescriptor Descriptor => XhyveDriverDescriptor.Instance;

    /// <inheritdoc />
    public async Task CreateAsync(MachineSpec spec, IProgress<string> progress, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var machine = spec.Machine;
        var layout = new XhyveLayout(machine.StateDirectory, _options.GuestAgentPort);
        if (await XhyveMachineRecord.ReadAsync(layout.Record, cancellationToken).ConfigureAwait(false) is not null)
        {
            if (RunningPid(layout) is null)
            {
                await BootAsync(machine, layout, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        // Everything that can be refused is refused before anything exists.
        var hyperkit = Hyperkit.Require(_options);
        var image = RequireImage();
        progress.Report($"Creating hyperkit VM {machine.Name} in {layout.Root}");
        try
        {
            Directory.CreateDirectory(layout.Root);
            // APFS clones the root disk for free; the /var disk starts blank and sparse, the node formats it.
            File.Copy(image.RootRaw, layout.RootDisk);
            await using (var data = File.Create(layout.DataDisk))
            {
                data.SetLength(20_000L * 1024 * 1024);
            }

            await new XhyveMachineRecord(XhyveDriverDescriptor.Name, machine.Profile, machine.Name, Guid.NewGuid().ToString(), spec.Cpus,
                spec.MemoryMiB, image.Hash, hyperkit, DateTimeOffset.UtcNow).WriteAsync(layout.Record, cancellationToken).ConfigureAwait(false);
            File.Copy(image.Vmlinuz, layout.Kernel);
            File.Copy(image.Initrd, layout.Initrd);
        }
        catch (Exception e)
        {
            DeleteFolder(layout);
            if (e is LocalKubeException or OperationCanceledException)
            {
                throw;
            }

            throw new LocalKubeException(Reasons.GuestProvision, $"Could not create the VM {machine.Name}: {e.Message}", e);
        }

        await BootAsync(machine, layout, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task StartAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        var layout = new XhyveLayout(machine.StateDirectory, _options.GuestAgentPort);
        _ = await RequireRecordAsync(machine, layout, cancellationToken).ConfigureAwait(false);
        if (RunningPid(layout) is null)
        {
            await BootAsync(machine, layout, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    /// <remarks>SIGTERM, which hyperkit turns into an ACPI power-button press (the node stops gracefully); SIGKILL after the timeout.</remarks>
    public async Task StopAsync(MachineRef machine, TimeSpan timeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var layout = new XhyveLayout(machine.StateDirectory, _options.GuestAgentPort);
        if (RunningPid(layout) is not { } pid)
        {
            return;
        }

        await Cli.Wrap("kill").WithArguments(["-TERM", pid.ToString(CultureInfo.InvariantCulture)]).WithValidation(CommandResultValidation.None)
            .ExecuteAsync(cancellationToken).ConfigureAwait(false);
        if (!await WaitGoneAsync(layout, timeout, cancellationToken).ConfigureAwait(false))
        {
            await KillAsync(machine, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task KillAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var layout = new XhyveLayout(machine.StateDirectory, _options.GuestAgentPort);
        if (RunningPid(layout) is not { } pid)
        {
            return;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // Gone already.
        }

        if (!await WaitGoneAsync(layout, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false))
        {
            throw new LocalKubeException(Reasons.StopTimeout, $"hyperkit ({pid.ToString(CultureInfo.InvariantCulture)}) of the VM {machine.Name} survived SIGKILL.");
        }
    }

    /// <inheritdoc />
    public async Task DeleteAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        await KillAsync(machine, cancellationToken).ConfigureAwait(false);
        DeleteFolder(new XhyveLayout(machine.StateDirectory, _options.GuestAgentPort));
    }

    /// <inheritdoc />
    public async Task<MachineState> GetStateAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        var layout = new XhyveLayout(machine.StateDirectory, _options.GuestAgentPort);
        try
        {
            if (await XhyveMachineRecord.ReadAsync(layout.Record, cancellationToken).ConfigureAwait(false) is null)
            {
                return MachineState.NotFound;
            }
        }
        catch (JsonException)
        {
            return MachineState.Error;
        }

        return RunningPid(layout) is null ? MachineState.Stopped : MachineState.Running;
    }

    /// <inheritdoc />
    /// <remarks>The node is reached on its vmnet address; the API server listens there on 8443.</remarks>
    public async Task<NodeEndpoint> GetEndpointAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        _ = await RequireRunningAsync(machine, cancellationToken).ConfigureAwait(false);
        var address = DhcpLeases.AddressOf(_options.LeasesFile, machine.Name)
            ?? throw new LocalKubeException(Reasons.HyperkitNoIp, $"The VM {machine.Name} has no lease in {_options.LeasesFile}.");
        return new NodeEndpoint(address, new Uri($"https://{address}:{WellKnownPorts.ApiServer.ToString(CultureInfo.InvariantCulture)}"), [address]);
    }

    /// <inheritdoc />
    public async Task StartAgentAsync(MachineRef machine, AgentLaunch launch, CancellationToken cancellationToken)
    {
        _ = AgentBundle.HashBundle(launch.BundleDirectory);
        var layout = await RequireRunningAsync(machine, cancellationToken).ConfigureAwait(false);
        await using var guest = GuestAgent(layout);
        await UploadedAgentInstaller.StartAsync(guest, launch, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> IsAgentRunningAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var layout = new XhyveLayout(machine.StateDirectory, _options.GuestAgentPort);
        if (RunningPid(layout) is null)
        {
            return false;
        }

        await using var guest = GuestAgent(layout);
        return await new VmNodeAgent(guest).IsRunningAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<string> ReadAgentLogAsync(
        MachineRef machine, int tailLines, bool follow, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var layout = await RequireRunningAsync(machine, cancellationToken).ConfigureAwait(false);
        await using var guest = GuestAgent(layout);
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
        if (!Directory.Exists(machines))
        {
            return removed;
        }

        foreach (var folder in Directory.GetDirectories(machines))
        {
            var layout = new XhyveLayout(folder, _options.GuestAgentPort);
            if (!File.Exists(layout.Record))
            {
                continue;
            }

            if (RunningPid(layout) is { } pid)
            {
                await KillAsync(new MachineRef(profile, Path.GetFileName(folder), folder), cancellationToken).ConfigureAwait(false);
                removed.Add($"hyperkit process {pid.ToString(CultureInfo.InvariantCulture)} ({folder})");
            }

            DeleteFolder(layout);
            removed.Add($"xhyve machine folder {folder}");
        }

        return removed;
    }

    private async Task BootAsync(MachineRef machine, XhyveLayout layout, CancellationToken cancellationToken)
    {
        var record = await RequireRecordAsync(machine, layout, cancellationToken).ConfigureAwait(false);
        var hyperkit = Hyperkit.Require(_options);
        foreach (var stale in new[] { layout.Pid, layout.GuestAgentSocket, layout.ConsoleRing })
        {
            File.Delete(stale);
        }

        // A lease of an earlier boot may still be in the file: this boot's is a newer one.
        var earlier = DhcpLeases.Newest(_options.LeasesFile, machine.Name)?.Lease ?? long.MinValue;

        // hyperkit stays in the foreground: a shell starts it in the background, detached from our stdio, so it
        // outlives the CLI; it writes its own pid file (-F).
        var started = await Cli.Wrap("/bin/sh")
            .WithArguments(["-c", "log=$1; shift; nohup \"$@\" </dev/null >>\"$log\" 2>&1 &", "sh", layout.Log, hyperkit, .. HyperkitArguments(record, layout)])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(cancellationToken).ConfigureAwait(false);
        if (started.ExitCode != 0)
        {
            throw new LocalKubeException(Reasons.HyperkitError, $"Could not start hyperkit: {started.StandardError.Trim()}");
        }

        var console = new ConsoleLog(layout.ConsoleRing);
        var launched = DateTime.UtcNow;
        var deadline = launched + _options.AddressTimeout;
        while (!console.HasBooted() || (DhcpLeases.Newest(_options.LeasesFile, machine.Name)?.Lease ?? long.MinValue) <= earlier)
        {
            if (console.BootError() is { } reason)
            {
                await KillAsync(machine, CancellationToken.None).ConfigureAwait(false);
                throw new LocalKubeException(Reasons.GuestBootFailed, $"The VM {machine.Name} failed to boot: {reason}\nLast console lines:\n{console.TailText(15)}");
            }

            // A moment for hyperkit to write its pid file; after that, no process means it died.
            if (DateTime.UtcNow - launched > TimeSpan.FromSeconds(2) && RunningPid(layout) is null)
            {
                throw new LocalKubeException(Reasons.HyperkitError,
                    $"hyperkit crashed! Its log ({layout.Log}):\n{Tail(layout.Log)}\nLast console lines:\n{console.TailText(15)}");
            }

            if (DateTime.UtcNow >= deadline)
            {
                await KillAsync(machine, CancellationToken.None).ConfigureAwait(false);
                throw new LocalKubeException(Reasons.HyperkitNoIp,
                    $"IP address never found in the DHCP leases file {_options.LeasesFile} for {machine.Name}.\nLast console lines:\n{console.TailText(15)}");
            }

            await Task.Delay(_options.PollInterval, cancellationToken).ConfigureAwait(false);
        }

        await using var guest = GuestAgent(layout);
        using var ping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ping.CancelAfter(_options.GuestAgentTimeout);
        try
        {
            await guest.PingAsync(ping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new LocalKubeException(Reasons.GuestBootTimeout,
                $"The VM {machine.Name} has an address, but its guest agent did not answer.\nLast console lines:\n{console.TailText(15)}");
        }
    }

    /// <summary>hyperkit's arguments (minikube's device layout, plus the /var disk and the agent's vsock port).</summary>
    internal static IReadOnlyList<string> HyperkitArguments(XhyveMachineRecord record, XhyveLayout layout)
    {
        var cpus = (record.Cpus > 0 ? record.Cpus : Environment.ProcessorCount).ToString(CultureInfo.InvariantCulture);
        var memory = (record.MemoryMiB > 0 ? record.MemoryMiB : 2048).ToString(CultureInfo.InvariantCulture);
        var commandLine = string.Join(' ',
            "console=ttyS0", "quiet", "panic=-1", "apparmor=0", "localkube.platform=hyperkit", "localkube.root=/dev/vda", "localkube.data=/dev/vdb",
            $"localkube.hostname={record.Name}", "localkube.net=dhcp", $"localkube.ga=vsock:{layout.GuestAgentPort.ToString(CultureInfo.InvariantCulture)}");
        return
        [
            "-A", "-u",
            "-F", layout.Pid,
            "-c", cpus,
            "-m", $"{memory}M",
            "-s", "0:0,hostbridge",
            "-s", "31,lpc",
            "-s", "1:0,virtio-net",
            "-U", record.Uuid,
            "-s", $"2:0,virtio-blk,{layout.RootDisk}",
            "-s", $"3:0,virtio-blk,{layout.DataDisk}",
            "-s", "4:0,virtio-rnd",
            "-s", $"5:0,virtio-sock,guest_cid=3,path={layout.Root},guest_forwards={layout.GuestAgentPort.ToString(CultureInfo.InvariantCulture)}",
            "-l", $"com1,autopty={layout.Tty},log={layout.ConsoleRing}",
            "-f", $"kexec,{layout.Kernel},{layout.Initrd},{commandLine}",
        ];
    }

    private static int? RunningPid(XhyveLayout layout)
    {
        try
        {
            if (!int.TryParse(File.ReadAllText(layout.Pid).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                return null;
            }

            using var process = Process.GetProcessById(pid);
            // minikube's check: a recycled pid belongs to something else ("hyperkit" or "com.docker.hyper").
            return !process.HasExited && process.ProcessName.Contains("hyper", StringComparison.Ordinal) ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    private async Task<bool> WaitGoneAsync(XhyveLayout layout, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (RunningPid(layout) is not null)
        {
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    private async Task<XhyveLayout> RequireRunningAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        var layout = new XhyveLayout(machine.StateDirectory, _options.GuestAgentPort);
        _ = await RequireRecordAsync(machine, layout, cancellationToken).ConfigureAwait(false);
        return RunningPid(layout) is null
            ? throw new LocalKubeException(Reasons.GuestNotRunning, $"The VM {machine.Name} is not running.")
            : layout;
    }

    private static async Task<XhyveMachineRecord> RequireRecordAsync(MachineRef machine, XhyveLayout layout, CancellationToken cancellationToken) =>
        await XhyveMachineRecord.ReadAsync(layout.Record, cancellationToken).ConfigureAwait(false)
            ?? throw new LocalKubeException(Reasons.GuestProvision, $"The VM {machine.Name} does not exist; 'localkube start' creates it.");

    private VmImageFiles RequireImage()
    {
        var image = new VmNodeImage(_options.Image);
        var files = image.Find();
        return files is not null && File.Exists(files.RootRaw) && File.Exists(files.Vmlinuz)
            ? files
            : throw new LocalKubeException(Reasons.NodeImageBuild,
                $"The VM node image for hyperkit (rootfs.img) is not in {image.Directory}. Build it on Linux with " +
                "'LOCALKUBE_VM_FORMATS=raw localkube node-image build --vm' and copy that folder here.");
    }

    private GuestAgentClient GuestAgent(XhyveLayout layout) =>
        new(_options.GuestAgentConnector?.Invoke(layout.Root) ?? GuestAgentClient.UnixSocket(layout.GuestAgentSocket));

    private static string Tail(string path)
    {
        try
        {
            return string.Join('\n', File.ReadLines(path).TakeLast(10));
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static void DeleteFolder(XhyveLayout layout)
    {
        if (Directory.Exists(layout.Root))
        {
            Directory.Delete(layout.Root, recursive: true);
        }
    }
}
