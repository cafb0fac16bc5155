namespace LocalKube.Abstractions.Drivers;

/// <summary>
/// Runs commands inside a running node machine (<c>docker exec</c> for the docker driver), for <c>localkube ssh</c>
/// and for what works through the node's own tools (its container engine: <c>image load</c>, <c>image build</c>).
/// Optional: a driver whose "node" is the host itself (process) does not implement it; callers check with <c>is</c>.
/// </summary>
public interface INodeShell
{
    /// <summary>
    /// Runs <see cref="NodeCommand.Arguments"/> in the node to completion and returns its exit code. Streams are copied
    /// while it runs (nothing is buffered whole), and stdin is closed when <see cref="NodeCommand.Stdin"/> ends.
    /// </summary>
    Task<int> RunAsync(MachineRef machine, NodeCommand command, CancellationToken cancellationToken);
}
