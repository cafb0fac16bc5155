namespace LocalKube.Core.Images;

/// <summary>
/// A read-only view of a stream that reports the bytes read so far, at most every <see cref="Interval"/> and once at
/// the end, so a progress bar follows an archive as the node's <c>docker load</c> consumes it.
/// </summary>
internal sealed class ProgressReadStream(Stream inner, Action<long> report, TimeProvider time) : Stream
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private long _read;
    private long _lastReport = long.MinValue;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Count(int read)
    {
        _read += read;
        var now = time.GetTimestamp();
        if (read == 0 || _lastReport == long.MinValue || time.GetElapsedTime(_lastReport, now) >= Interval)
        {
            _lastReport = now;
            report(_read);
        }

        return read;
    }
}
