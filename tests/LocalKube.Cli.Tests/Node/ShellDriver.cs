using System.Text;
using LocalKube.Abstractions.Drivers;

namespace LocalKube.Cli.Tests.Node;

/// <summary>A driver whose node is a script: every command run in it is recorded and answered by <see cref="Handler"/>.</summary>
internal sealed class ShellDriver(DriverDescriptor descriptor) : IDriver, INodeShell, IContainerEngineEndpoint
{
    public static DriverDescriptor EngineDescriptor { get; } = new("fake", [], DriverPriority.Default,
        DriverCapabilities.Isolated | DriverCapabilities.ContainerEngine, true, ["linux", "osx", "windows"]);

    public DriverDescriptor Descriptor { get; } = descriptor;

    public MachineState State { get; set; } = MachineState.Running;

    /// <summary>What <see cref="GetEngineEndpointAsync"/> answers.</summary>
    public Uri? EngineEndpoint { get; set; } = new("tcp://127.0.0.1:32777");

    public Task<Uri?> GetEngineEndpointAsync(MachineRef machine, CancellationToken cancellationToken) => Task.FromResult(EngineEndpoint);

    /// <summary>Whether commands read their stdin (off for tests whose stdin is the test host's own).</summary>
    public bool ReadStdin { get; set; } = true;

    /// <summary>Every command with the stdin it read.</summary>
    public List<(IReadOnlyList<string> Arguments, string Stdin, NodeCommand Command)> Commands { get; } = [];

    /// <summary>Answers a command (its arguments and stdin): exit code, stdout, stderr.</summary>
    public Func<IReadOnlyList<string>, string, (int Code, string Stdout, string Stderr)> Handler { get; set; } = (_, _) => (0, "", "");

    public async Task<int> RunAsync(MachineRef machine, NodeCommand command, CancellationToken cancellationToken)
    {
        var stdin = "";
        if (command.Stdin is { } input && ReadStdin)
        {
            using var reader = new StreamReader(input, Encoding.Latin1);
            stdin = await reader.ReadToEndAsync(cancellationToken);
        }

        Commands.Add((command.Arguments, stdin, command));
        var (code, stdout, stderr) = Handler(command.Arguments, stdin);
        await (command.Stdout ?? Stream.Null).WriteAsync(Encoding.UTF8.GetBytes(stdout), cancellationToken);
        await (command.Stderr ?? Stream.Null).WriteAsync(Encoding.UTF8.GetBytes(stderr), cancellationToken);
        return code;
    }

    public Task<MachineState> GetStateAsync(MachineRef machine, CancellationToken cancellationToken) => Task.FromResult(State);

    public Task CreateAsync(MachineSpec spec, IProgress<string> progress, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task StartAsync(MachineRef machine, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task StopAsync(MachineRef machine, TimeSpan timeout, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task KillAsync(MachineRef machine, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task DeleteAsync(MachineRef machine, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<NodeEndpoint> GetEndpointAsync(MachineRef machine, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task StartAgentAsync(MachineRef machine, AgentLaunch launch, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<bool> IsAgentRunningAsync(MachineRef machine, CancellationToken cancellationToken) => Task.FromResult(true);

    public IAsyncEnumerable<string> ReadAgentLogAsync(MachineRef machine, int tailLines, bool follow, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<string>> PurgeAsync(string profile, string profileDirectory, CancellationToken cancellationToken) => throw new NotSupportedException();
}
