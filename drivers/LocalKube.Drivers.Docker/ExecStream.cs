using Docker.DotNet;

namespace LocalKube.Drivers.Docker;

/// <summary>
/// A byte stream over an attached exec (stdin in, stdout out): what <c>busybox nc</c> in the node relays to and
/// from a TCP connection made in the node's network namespace. Stderr is dropped.
/// </summary>
internal sealed class ExecStream(MultiplexedStream inner) : Stream, LocalKube.Abstractions.Drivers.IHalfClosable
{
    private bool _writeClosed;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var array = new byte[buffer.Length];
        while (true)
        {
            var result = await inner.ReadOutputAsync(array, 0, array.Length, cancellationToken).ConfigureAwait(false);
            if (result.EOF)
            {
                return 0;
            }

            if (result.Target == MultiplexedStream.TargetStream.StandardOut && result.Count > 0)
            {
                array.AsSpan(0, result.Count).CopyTo(buffer.Span);
                return result.Count;
            }
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var array = buffer.ToArray();
        await inner.WriteAsync(array, 0, array.Length, cancellationToken).ConfigureAwait(false);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.WriteAsync(buffer, offset, count, cancellationToken);

    /// <summary>Half-closes: the far side sees end of input, and answers can still be read.</summary>
    public void CloseWrite()
    {
        if (!_writeClosed)
        {
            _writeClosed = true;
            inner.CloseWrite();
        }
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("asynchronous only");

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("asynchronous only");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
