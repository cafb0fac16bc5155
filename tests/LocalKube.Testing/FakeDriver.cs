using System.Globalization;
using System.Runtime.CompilerServices;
using LocalKube.Abstractions.Drivers;
using LocalKube.Abstractions.Errors;

namespace LocalKube.Testing;

/// <summary>
/// An in-memory driver for tests of everything above the driver seam. Machines live in a dictionary; the agent is a
/// <see cref="SimulatedAgent"/> that writes its pid file, log and data under the machine's
/// <see cref="MachineRef.StateDirectory"/>, so it passes the same conformance suite as the real drivers.
/// </summary>
/// <remarks>
/// Health (<see cref="Health"/>), the descriptor and one-shot failures (<see cref="FailNext"/>) are configurable;
/// <see cref="Calls"/> records every call for assertions on ordering.
/// </remarks>
public sealed class FakeDriver : IDriver, IDriverProbe
{
    /// <summary>The file name of the agent executable a bundle folder must hold.</summary>
    public const string AgentExecutable = "localkube-node";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, FakeMachine> _machines = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<Exception>> _faults = new(StringComparer.Ordinal);
    private readonly List<string> _calls = [];
    private readonly TimeProvider _time;
    private int _nextPid = 40_000;

    /// <summary>Creates a fake driver named <c>fake</c>, or with the given descriptor.</summary>
    public FakeDriver(DriverDescriptor? descriptor = null, TimeProvider? timeProvider = null)
    {
        Descriptor = descriptor ?? DefaultDescriptor;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>A default-candidate driver named <c>fake</c> with no special capabilities, on every platform.</summary>
    public static DriverDescriptor DefaultDescriptor { get; } =
        new("fake", [], DriverPriority.Default, DriverCapabilities.None, true, ["linux", "osx", "windows"]);

    /// <inheritdoc />
    public DriverDescriptor Descriptor { get; }

    /// <summary>What <see cref="ProbeAsync"/> reports.</summary>
    public DriverHealth Health { get; set; } = DriverHealth.Ok("fake-1.0");

    /// <summary>Every call so far, as <c>"&lt;Method&gt; &lt;machine or profile&gt;"</c>.</summary>
    public IReadOnlyList<string> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>Makes the next call of <paramref name="method"/> (e.g. <c>nameof(IDriver.StartAgentAsync)</c>) throw.</summary>
    public void FailNext(string method, Exception exception)
    {
        lock (_gate)
        {
            if (!_faults.TryGetValue(method, out var queue))
            {
                _faults[method] = queue = new Queue<Exception>();
            }

            queue.Enqueue(exception);
        }
    }

    /// <inheritdoc />
    public ValueTask<DriverHealth> ProbeAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Health);
    }

    /// <inheritdoc />
    public Task CreateAsync(MachineSpec spec, IProgress<string> progress, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Enter(nameof(CreateAsync), spec.Machine.Name, cancellationToken);
            if (_machines.ContainsKey(spec.Machine.Name))
            {
                return Task.CompletedTask;
            }

            progress.Report($"Creating fake machine {spec.Machine.Name}");
            Directory.CreateDirectory(spec.Machine.StateDirectory);
            _machines[spec.Machine.Name] = new FakeMachine(spec) { IsRunning = true };
            return Task.CompletedTask;
        }
    }

    /// <inheritdoc />
    public Task StartAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Enter(nameof(StartAsync), machine.Name, cancellationToken);
            Require(machine).IsRunning = true;
            return Task.CompletedTask;
        }
    }

    /// <inheritdoc />
    public Task StopAsync(MachineRef machine, TimeSpan timeout, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Enter(nameof(StopAsync), machine.Name, cancellationToken);
            if (_machines.TryGetValue(machine.Name, out var existing))
            {
                existing.Agent?.Terminate();
                existing.IsRunning = false;
            }

            return Task.CompletedTask;
        }
    }

    /// <inheritdoc />
    public Task KillAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Enter(nameof(KillAsync), machine.Name, cancellationToken);
            if (_machines.TryGetValue(machine.Name, out var existing))
            {
                existing.Agent?.Kill();
                existing.IsRunning = false;
            }

            return Task.CompletedTask;
        }
    }

    /// <inheritdoc />
    public Task DeleteAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Enter(nameof(DeleteAsync), machine.Name, cancellationToken);
            if (_machines.Remove(machine.Name, out var existing))
            {
                existing.Agent?.Kill();
            }

            DeleteFolder(machine.StateDirectory);
            return Task.CompletedTask;
        }
    }

    /// <inheritdoc />
    public Task<MachineState> GetStateAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Enter(nameof(GetStateAsync), machine.Name, cancellationToken);
            var state = _machines.TryGetValue(machine.Name, out var existing)
                ? existing.IsRunning ? MachineState.Running : MachineState.Stopped
                : MachineState.NotFound;
            return Task.FromResult(state);
        }
    }

    /// <inheritdoc />
    public Task<NodeEndpoint> GetEndpointAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Enter(nameof(GetEndpointAsync), machine.Name, cancellationToken);
            var existing = RequireRunning(machine);
            var endpoint = new NodeEndpoint(
                "127.0.0.1",
                new Uri($"https://127.0.0.1:{existing.Spec.ApiServerHostPort.ToString(CultureInfo.InvariantCulture)}"),
                ["127.0.0.1"]);
            return Task.FromResult(endpoint);
        }
    }

    /// <inheritdoc />
    public Task StartAgentAsync(MachineRef machine, AgentLaunch launch, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Enter(nameof(StartAgentAsync), machine.Name, cancellationToken);
            var existing = RequireRunning(machine);
            if (!File.Exists(Path.Combine(launch.BundleDirectory, AgentExecutable)))
            {
                throw new LocalKubeException(Reasons.AssetNotFound, $"No {AgentExecutable} in {launch.BundleDirectory}.");
            }

            // Like a real driver: the old agent stops gracefully before the new one starts.
            existing.Agent?.Terminate();
            var certs = Path.Combine(machine.StateDirectory, "certs");
            FakeFiles.WriteCertificates(certs, launch.Files);
            string[] arguments =
            [
                "--data-dir", Path.Combine(machine.StateDirectory, "data"),
                "--cert-dir", certs,
                "--bind-address", "127.0.0.1",
                "--secure-port", existing.Spec.ApiServerHostPort.ToString(CultureInfo.InvariantCulture),
                "--pid-file", Path.Combine(machine.StateDirectory, "agent.pid"),
                .. launch.Arguments,
            ];
            existing.Agent = SimulatedAgent.Start(++_nextPid, arguments, _time);
            return Task.CompletedTask;
        }
    }

    /// <inheritdoc />
    public Task<bool> IsAgentRunningAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Enter(nameof(IsAgentRunningAsync), machine.Name, cancellationToken);
            var running = _machines.TryGetValue(machine.Name, out var existing) && existing.IsRunning && existing.Agent?.IsRunning == true;
            return Task.FromResult(running);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<string> ReadAgentLogAsync(
        MachineRef machine, int tailLines, bool follow, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Enter(nameof(ReadAgentLogAsync), machine.Name, cancellationToken);
            Require(machine);
        }

        var path = Path.Combine(machine.StateDirectory, "data", FakeAgentProtocol.LogFile);
        await foreach (var line in FakeFiles.ReadLinesAsync(path, tailLines, follow, cancellationToken))
        {
            yield return line;
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> PurgeAsync(string profile, string profileDirectory, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Enter(nameof(PurgeAsync), profile, cancellationToken);
            var removed = new List<string>();
            foreach (var (name, machine) in _machines.Where(m => m.Value.Spec.Machine.Profile == profile).ToList())
            {
                machine.Agent?.Kill();
                _machines.Remove(name);
                removed.Add($"fake machine {name}");
            }

            var machines = Path.Combine(profileDirectory, "machines");
            if (Directory.Exists(machines))
            {
                foreach (var folder in Directory.GetDirectories(machines))
                {
                    DeleteFolder(folder);
                    removed.Add($"folder {folder}");
                }
            }

            return Task.FromResult<IReadOnlyList<string>>(removed);
        }
    }

    private static void DeleteFolder(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }

    // Called under the lock: checks cancellation first (so a cancelled call has no effect), records, then faults.
    private void Enter(string method, string target, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _calls.Add($"{method} {target}");
        if (_faults.TryGetValue(method, out var queue) && queue.TryDequeue(out var fault))
        {
            throw fault;
        }
    }

    private FakeMachine Require(MachineRef machine) =>
        _machines.TryGetValue(machine.Name, out var existing)
            ? existing
            : throw new LocalKubeException(Reasons.ProfileNotFound, $"Machine {machine.Name} does not exist.");

    private FakeMachine RequireRunning(MachineRef machine)
    {
        var existing = Require(machine);
        return existing.IsRunning
            ? existing
            : throw new LocalKubeException(Reasons.GuestProvision, $"Machine {machine.Name} is not running.");
    }

    private sealed class FakeMachine(MachineSpec spec)
    {
        public MachineSpec Spec { get; } = spec;

        public bool IsRunning { get; set; }

        public SimulatedAgent? Agent { get; set; }
    }
}
