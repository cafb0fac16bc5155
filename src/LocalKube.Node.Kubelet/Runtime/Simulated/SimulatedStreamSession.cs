namespace LocalKube.Node.Kubelet.Runtime.Simulated;

/// <summary>An exec or attach to a simulated container: no output, stdin discarded, ends at once.</summary>
internal sealed class SimulatedStreamSession(int? exitCode) : IRuntimeStreamSession
{
    public ValueTask<StreamChunk> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new StreamChunk(0, OutputStream.Stdout, true));

    public ValueTask WriteStdinAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public void CloseStdin()
    {
    }

    public Task ResizeAsync(TerminalSize size, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<int?> WaitForExitAsync(CancellationToken cancellationToken) => Task.FromResult(exitCode);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
