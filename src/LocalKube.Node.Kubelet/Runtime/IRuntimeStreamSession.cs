namespace LocalKube.Node.Kubelet.Runtime;

/// <summary>
/// A live exec or attach: demultiplexed output, stdin, terminal resize and the exit code. Disposing it closes the
/// connection; for an exec whose client went away the runtime also ends the process, so nothing leaks.
/// </summary>
public interface IRuntimeStreamSession : IAsyncDisposable
{
    /// <summary>Reads the next chunk of output into <paramref name="buffer"/>.</summary>
    ValueTask<StreamChunk> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Writes to the process's stdin.</summary>
    ValueTask WriteStdinAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Closes stdin (EOF for the process).</summary>
    void CloseStdin();

    /// <summary>Resizes the terminal (no-op without a tty).</summary>
    Task ResizeAsync(TerminalSize size, CancellationToken cancellationToken);

    /// <summary>Waits for the process to end; its exit code, or null when the runtime cannot tell (attach).</summary>
    Task<int?> WaitForExitAsync(CancellationToken cancellationToken);
}
