using System.Text;
using LocalKube.Abstractions.Drivers;
using LocalKube.Core.Profiles;

namespace LocalKube.Core.Nodes;

/// <summary>A running node that commands can run in: its driver's shell, the machine and the profile's settings.</summary>
/// <param name="Shell">The driver, as a shell into its node.</param>
/// <param name="Machine">The node machine.</param>
/// <param name="Config">The profile's settings.</param>
/// <param name="Driver">The driver's static facts.</param>
public sealed record NodeAccess(INodeShell Shell, MachineRef Machine, ClusterConfig Config, DriverDescriptor Driver)
{
    /// <summary>Runs <paramref name="command"/> in the node.</summary>
    public Task<int> RunAsync(NodeCommand command, CancellationToken cancellationToken) =>
        Shell.RunAsync(Machine, command, cancellationToken);

    /// <summary>Runs a short command and returns its exit code with its whole stdout and stderr (small outputs only).</summary>
    public async Task<NodeCommandResult> CaptureAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken, Stream? stdin = null)
    {
        using var stdout = new MemoryStream();
        using var stderr = new MemoryStream();
        var code = await Shell.RunAsync(Machine, new NodeCommand(arguments) { Stdin = stdin, Stdout = stdout, Stderr = stderr }, cancellationToken);
        return new NodeCommandResult(code, Encoding.UTF8.GetString(stdout.ToArray()), Encoding.UTF8.GetString(stderr.ToArray()));
    }
}
