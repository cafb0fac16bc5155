using LocalKube.Node.Kubelet.Runtime;

namespace LocalKube.Node.Kubelet.Streaming.RemoteCommand;

/// <summary>
/// The client's side of an exec or attach, whatever carries it (WebSocket channels or SPDY streams): stdin, the
/// output streams, terminal resizes, and the error channel that carries the final status.
/// </summary>
internal abstract class RemoteCommandChannels : IAsyncDisposable
{
    /// <summary>The negotiated protocol, e.g. <c>v5.channel.k8s.io</c> (empty: the unversioned v1).</summary>
    public abstract string Protocol { get; }

    /// <summary>Completes when the client disconnects or the session is finished.</summary>
    public abstract Task ClientGone { get; }

    /// <summary>The status is JSON (v4 and later); older protocols carry only a failure's text.</summary>
    public bool StatusIsJson => Protocol.StartsWith("v4.", StringComparison.Ordinal) || Protocol.StartsWith("v5.", StringComparison.Ordinal);

    /// <summary>Reads stdin; 0 at the client's EOF.</summary>
    public abstract ValueTask<int> ReadStdinAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Writes output to stdout or stderr.</summary>
    public abstract ValueTask WriteOutputAsync(OutputStream stream, ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>The next terminal size the client sent; null when it sends no more.</summary>
    public abstract ValueTask<TerminalSize?> ReadResizeAsync(CancellationToken cancellationToken);

    /// <summary>Writes the error channel's content.</summary>
    public abstract ValueTask WriteErrorAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Ends the session cleanly: every stream closed so the client sees the end of its output.</summary>
    public abstract ValueTask FinishAsync(CancellationToken cancellationToken);

    /// <inheritdoc />
    public abstract ValueTask DisposeAsync();
}
