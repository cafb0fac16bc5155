using System.IO.Pipelines;
using System.Threading.Channels;
using LocalKube.Node.Kubelet.Runtime;
using LocalKube.Node.Kubelet.Streaming.WebSockets;

namespace LocalKube.Node.Kubelet.Streaming.RemoteCommand;

/// <summary>
/// Exec and attach over WebSocket channels: 0 stdin, 1 stdout, 2 stderr, 3 error (status), 4 resize; v5's
/// <c>[255, 0]</c> closes stdin. Ends by closing the WebSocket normally, after which the client ends its output.
/// </summary>
internal sealed class WebSocketRemoteCommandChannels : RemoteCommandChannels
{
    private const byte StdinChannel = 0;
    private const byte StdoutChannel = 1;
    private const byte StderrChannel = 2;
    private const byte ErrorChannel = 3;
    private const byte ResizeChannel = 4;

    private readonly ChannelWebSocket _socket;
    private readonly Pipe _stdin = new(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19, useSynchronizationContext: false));
    private readonly Channel<TerminalSize> _resizes = Channel.CreateUnbounded<TerminalSize>();
    private readonly TerminalSizeParser _sizes = new();
    private readonly Task _receiving;
    private readonly CancellationTokenSource _stop = new();
    private int _stdinClosed;

    private WebSocketRemoteCommandChannels(ChannelWebSocket socket)
    {
        _socket = socket;
        _receiving = ReceiveAsync();
    }

    public override string Protocol => _socket.Protocol;

    public override Task ClientGone => _receiving;

    /// <summary>Starts the session and announces it: an empty message on the lowest channel the client reads.</summary>
    public static async Task<WebSocketRemoteCommandChannels> OpenAsync(ChannelWebSocket socket, RemoteCommandOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var channels = new WebSocketRemoteCommandChannels(socket);
        var first = options.Stdout ? StdoutChannel : options.Stderr ? StderrChannel : ErrorChannel;
        await socket.SendAsync(first, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
        return channels;
    }

    public override async ValueTask<int> ReadStdinAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var result = await _stdin.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (result.Buffer.IsEmpty && result.IsCompleted)
        {
            _stdin.Reader.AdvanceTo(result.Buffer.End);
            return 0;
        }

        var n = (int)Math.Min(buffer.Length, result.Buffer.Length);
        var slice = result.Buffer.Slice(0, n);
        System.Buffers.BuffersExtensions.CopyTo(slice, buffer.Span);
        _stdin.Reader.AdvanceTo(slice.End);
        return n;
    }

    public override ValueTask WriteOutputAsync(OutputStream stream, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        _socket.SendAsync(stream == OutputStream.Stderr ? StderrChannel : StdoutChannel, data, cancellationToken);

    public override async ValueTask<TerminalSize?> ReadResizeAsync(CancellationToken cancellationToken) =>
        await _resizes.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false) && _resizes.Reader.TryRead(out var size) ? size : null;

    public override ValueTask WriteErrorAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        _socket.SendAsync(ErrorChannel, data, cancellationToken);

    public override async ValueTask FinishAsync(CancellationToken cancellationToken)
    {
        await _socket.CloseAsync(cancellationToken).ConfigureAwait(false);

        // Give the client a moment to answer the close handshake, then stop reading regardless.
        await Task.WhenAny(_receiving, Task.Delay(TimeSpan.FromSeconds(5), cancellationToken)).ConfigureAwait(false);
        await _stop.CancelAsync().ConfigureAwait(false);
    }

    public override async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _receiving.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task ReceiveAsync()
    {
        await Task.Yield();
        try
        {
            await _socket.ReceiveAllAsync(OnMessageAsync, _stop.Token).ConfigureAwait(false);
        }
        finally
        {
            CloseStdin();
            _resizes.Writer.TryComplete();
        }
    }

    private async ValueTask OnMessageAsync(byte channel, ReadOnlyMemory<byte> payload)
    {
        switch (channel)
        {
            case StdinChannel when Volatile.Read(ref _stdinClosed) == 0 && !payload.IsEmpty:
                await _stdin.Writer.WriteAsync(payload, _stop.Token).ConfigureAwait(false);
                break;
            case ResizeChannel:
                foreach (var size in _sizes.Add(payload.Span))
                {
                    _resizes.Writer.TryWrite(size);
                }

                break;
            case ChannelWebSocket.CloseChannel when _socket.SupportsClose && payload.Length > 0 && payload.Span[0] == StdinChannel:
                CloseStdin();
                break;
        }
    }

    private void CloseStdin()
    {
        if (Interlocked.Exchange(ref _stdinClosed, 1) == 0)
        {
            _stdin.Writer.Complete();
        }
    }
}
