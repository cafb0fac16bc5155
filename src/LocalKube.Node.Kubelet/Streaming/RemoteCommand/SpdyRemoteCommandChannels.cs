using System.Collections.Concurrent;
using LocalKube.Node.Kubelet.Runtime;
using LocalKube.Node.Kubelet.Streaming.Spdy;

namespace LocalKube.Node.Kubelet.Streaming.RemoteCommand;

/// <summary>
/// Exec and attach over SPDY (the fallback of kubectl before 1.30 and when WebSockets fail): the client opens one
/// stream per channel, named by its <c>streamType</c> header (error, stdin, stdout, stderr, resize). The session
/// starts once every expected stream exists; it ends with a FIN on each, after which the client closes.
/// </summary>
internal sealed class SpdyRemoteCommandChannels : RemoteCommandChannels
{
    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(10);
    private readonly SpdyConnection _connection;
    private readonly Task _reading;
    private readonly IReadOnlyDictionary<string, SpdyStream> _streams;
    private readonly TerminalSizeParser _sizes = new();
    private readonly Queue<TerminalSize> _pendingSizes = new();
    private readonly CancellationTokenSource _stop;

    private SpdyRemoteCommandChannels(string protocol, SpdyConnection connection, Task reading, IReadOnlyDictionary<string, SpdyStream> streams, CancellationTokenSource stop)
    {
        Protocol = protocol;
        _connection = connection;
        _reading = reading;
        _streams = streams;
        _stop = stop;
    }

    public override string Protocol { get; }

    public override Task ClientGone => _connection.Closed;

    /// <summary>
    /// Serves SPDY on <paramref name="transport"/> and waits up to <paramref name="timeout"/> for the streams
    /// <paramref name="options"/> needs; null (connection closed) when they do not all come.
    /// </summary>
    public static async Task<SpdyRemoteCommandChannels?> AcceptAsync(
        Stream transport, string protocol, RemoteCommandOptions options, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var expected = new HashSet<string>(StringComparer.Ordinal) { "error" };
        if (options.Stdin)
        {
            expected.Add("stdin");
        }

        if (options.Stdout)
        {
            expected.Add("stdout");
        }

        if (options.Stderr)
        {
            expected.Add("stderr");
        }

        if (options.Tty && protocol is not ("" or "channel.k8s.io" or "v2.channel.k8s.io"))
        {
            expected.Add("resize");
        }

        var streams = new ConcurrentDictionary<string, SpdyStream>(StringComparer.Ordinal);
        var complete = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var connection = new SpdyConnection(transport);
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reading = connection.RunAsync(stream =>
        {
            var type = stream.Header("streamtype") ?? "";
            if (!expected.Contains(type) || !streams.TryAdd(type, stream))
            {
                return false;
            }

            if (streams.Count == expected.Count)
            {
                complete.TrySetResult();
            }

            return true;
        }, stop.Token);

        var ready = await Task.WhenAny(complete.Task, connection.Closed, Task.Delay(timeout, cancellationToken)).ConfigureAwait(false);
        if (ready != complete.Task)
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
            await reading.ConfigureAwait(false);
            stop.Dispose();
            return null;
        }

        return new SpdyRemoteCommandChannels(protocol, connection, reading, streams, stop);
    }

    public override ValueTask<int> ReadStdinAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        _streams.TryGetValue("stdin", out var stdin) ? stdin.ReadAsync(buffer, cancellationToken) : ValueTask.FromResult(0);

    public override ValueTask WriteOutputAsync(OutputStream stream, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        _streams.TryGetValue(stream == OutputStream.Stderr && _streams.ContainsKey("stderr") ? "stderr" : "stdout", out var target)
            ? target.WriteAsync(data, cancellationToken)
            : ValueTask.CompletedTask;

    public override async ValueTask<TerminalSize?> ReadResizeAsync(CancellationToken cancellationToken)
    {
        if (!_streams.TryGetValue("resize", out var resize))
        {
            return null;
        }

        var buffer = new byte[512];
        while (_pendingSizes.Count == 0)
        {
            var n = await resize.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                return null;
            }

            foreach (var size in _sizes.Add(buffer.AsSpan(0, n)))
            {
                _pendingSizes.Enqueue(size);
            }
        }

        return _pendingSizes.Dequeue();
    }

    public override ValueTask WriteErrorAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        _streams["error"].WriteAsync(data, cancellationToken);

    public override async ValueTask FinishAsync(CancellationToken cancellationToken)
    {
        foreach (var name in new[] { "error", "stdout", "stderr", "stdin", "resize" })
        {
            if (_streams.TryGetValue(name, out var stream))
            {
                await stream.CloseWriteAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        // The client closes the connection once it has read everything; closing first could lose its last frames.
        await Task.WhenAny(_connection.Closed, Task.Delay(CloseGrace, cancellationToken)).ConfigureAwait(false);
    }

    public override async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
        await _reading.ConfigureAwait(false);
        _stop.Dispose();
    }
}
