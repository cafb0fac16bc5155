using System.IO.Pipelines;

namespace LocalKube.Node.Kubelet.Streaming.Spdy;

/// <summary>
/// One stream of a <see cref="SpdyConnection"/> opened by the peer: its headers, what the peer sends (ending at its
/// FIN or reset) and a write side that sends DATA frames. Reading 0 bytes means the peer half-closed it.
/// </summary>
internal sealed class SpdyStream : Stream
{
    private readonly SpdyConnection _connection;
    private readonly Pipe _inbound = new(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19, useSynchronizationContext: false));
    private readonly TaskCompletionSource _reset = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _localClosed;

    public SpdyStream(SpdyConnection connection, int id, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        _connection = connection;
        Id = id;
        Headers = headers;
    }

    /// <summary>The stream's ID (odd: opened by the client).</summary>
    public int Id { get; }

    /// <summary>The SYN_STREAM headers, names lower-case.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>The peer reset the stream or the connection ended.</summary>
    public bool IsReset { get; private set; }

    /// <summary>Completes when the stream is reset (by either side) or the connection ends.</summary>
    public Task WhenReset => _reset.Task;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>The first value of header <paramref name="name"/>, or null.</summary>
    public string? Header(string name)
    {
        foreach (var (key, value) in Headers)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                var nul = value.IndexOf('\0', StringComparison.Ordinal);
                return nul < 0 ? value : value[..nul];
            }
        }

        return null;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var result = await _inbound.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var available = result.Buffer;
        if (available.IsEmpty && result.IsCompleted)
        {
            _inbound.Reader.AdvanceTo(available.End);
            return 0;
        }

        var n = (int)Math.Min(buffer.Length, available.Length);
        var slice = available.Slice(0, n);
        System.Buffers.BuffersExtensions.CopyTo(slice, buffer.Span);
        _inbound.Reader.AdvanceTo(slice.End);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (IsReset)
        {
            throw new IOException($"SPDY stream {Id} was reset");
        }

        return buffer.IsEmpty ? ValueTask.CompletedTask : _connection.WriteDataAsync(Id, buffer, fin: false, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush()
    {
    }

    /// <summary>Half-closes the stream (an empty DATA frame with FIN); idempotent.</summary>
    public async ValueTask CloseWriteAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _localClosed, 1) == 0 && !IsReset)
        {
            try
            {
                await _connection.WriteDataAsync(Id, ReadOnlyMemory<byte>.Empty, fin: true, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException)
            {
                // The connection is gone: nothing to close.
            }
        }
    }

    /// <summary>Resets the stream (RST_STREAM CANCEL); idempotent.</summary>
    public async ValueTask ResetAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _localClosed, 1) == 0 && !IsReset)
        {
            await _connection.ResetStreamAsync(Id, SpdyConnection.StatusCancel, cancellationToken).ConfigureAwait(false);
        }

        MarkReset();
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    internal ValueTask<FlushResult> ReceiveAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        _inbound.Writer.WriteAsync(data, cancellationToken);

    internal void RemoteFinished() => _inbound.Writer.Complete();

    internal void MarkReset()
    {
        IsReset = true;
        _inbound.Writer.Complete();
        _reset.TrySetResult();
    }
}
