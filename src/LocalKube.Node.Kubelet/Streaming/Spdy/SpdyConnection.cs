using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;

namespace LocalKube.Node.Kubelet.Streaming.Spdy;

/// <summary>
/// The server end of a SPDY/3.1 connection as kubectl's client (moby/spdystream) speaks it: the peer opens streams
/// (SYN_STREAM, answered with SYN_REPLY), both sides send DATA with FIN to half-close, PINGs are echoed, GOAWAY ends
/// the session. spdystream does no flow control, so WINDOW_UPDATE and SETTINGS are read and ignored.
/// </summary>
internal sealed class SpdyConnection : IAsyncDisposable
{
    /// <summary>RST_STREAM status: the stream was refused.</summary>
    public const int StatusRefused = 3;

    /// <summary>RST_STREAM status: the stream is no longer needed.</summary>
    public const int StatusCancel = 5;

    private const int ControlBit = 0x8000;
    private const int Version = 3;
    private const byte FlagFin = 0x01;
    private const int MaxFrame = 1 << 24;
    private const int DataChunk = 64 * 1024;

    private readonly Stream _transport;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<int, SpdyStream> _streams = new();
    private readonly SpdyHeaderDecoder _decoder = new();
    private readonly SpdyHeaderEncoder _encoder = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _lastStreamId;
    private volatile bool _broken;

    public SpdyConnection(Stream transport)
    {
        _transport = transport ?? throw new ArgumentNullException(nameof(transport));
    }

    /// <summary>Completes when the peer closed the connection, sent GOAWAY, or the transport failed.</summary>
    public Task Closed => _closed.Task;

    /// <summary>
    /// Reads frames until the connection ends. <paramref name="onStream"/> sees each new stream and returns whether
    /// to accept it (a SYN_REPLY is sent before any of its data is delivered) or refuse it (RST_STREAM);
    /// <paramref name="onReplied"/> then sees each accepted stream once its reply is on the wire.
    /// </summary>
    public async Task RunAsync(Func<SpdyStream, bool> onStream, CancellationToken cancellationToken, Action<SpdyStream>? onReplied = null)
    {
        ArgumentNullException.ThrowIfNull(onStream);
        var header = new byte[8];
        try
        {
            while (true)
            {
                if (!await ReadFullyAsync(header, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }

                var first = BinaryPrimitives.ReadUInt32BigEndian(header);
                var flags = header[4];
                var length = (int)(BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4)) & 0xFFFFFF);
                if (length > MaxFrame)
                {
                    throw new InvalidDataException($"SPDY frame of {length} bytes");
                }

                var payload = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
                try
                {
                    if (length > 0 && !await ReadFullyAsync(payload.AsMemory(0, length), cancellationToken).ConfigureAwait(false))
                    {
                        return;
                    }

                    if ((first & 0x80000000) == 0)
                    {
                        await OnDataAsync((int)(first & 0x7FFFFFFF), flags, payload.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        var version = (int)((first >> 16) & 0x7FFF);
                        if (version != Version)
                        {
                            throw new InvalidDataException($"SPDY version {version} is not supported");
                        }

                        if (!await OnControlAsync((SpdyFrameType)(first & 0xFFFF), flags, payload.AsMemory(0, length), onStream, onReplied, cancellationToken)
                            .ConfigureAwait(false))
                        {
                            return;
                        }
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(payload);
                }
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or OperationCanceledException or ObjectDisposedException)
        {
            // The peer went away or spoke something else: the session ends either way.
        }
        finally
        {
            _broken = true;
            foreach (var stream in _streams.Values)
            {
                stream.MarkReset();
            }

            _closed.TrySetResult();
        }
    }

    /// <summary>Sends <paramref name="data"/> on a stream, in frames of at most 64 KiB, with FIN on the last when asked.</summary>
    public async ValueTask WriteDataAsync(int streamId, ReadOnlyMemory<byte> data, bool fin, CancellationToken cancellationToken)
    {
        do
        {
            var chunk = data[..Math.Min(data.Length, DataChunk)];
            data = data[chunk.Length..];
            var last = data.IsEmpty;
            await WriteFrameAsync(
                (uint)streamId & 0x7FFFFFFF, (byte)(fin && last ? FlagFin : 0), chunk.Span, ReadOnlySpan<byte>.Empty, cancellationToken)
                .ConfigureAwait(false);
        }
        while (!data.IsEmpty);
    }

    /// <summary>Sends RST_STREAM for <paramref name="streamId"/>.</summary>
    public ValueTask ResetStreamAsync(int streamId, int status, CancellationToken cancellationToken)
    {
        var body = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(body, streamId & 0x7FFFFFFF);
        BinaryPrimitives.WriteInt32BigEndian(body.AsSpan(4), status);
        return WriteControlAsync(SpdyFrameType.RstStream, 0, body, cancellationToken);
    }

    /// <summary>Sends GOAWAY (status OK): no more streams; the peer closes once its streams are done.</summary>
    public ValueTask GoAwayAsync(CancellationToken cancellationToken)
    {
        var body = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(body, Volatile.Read(ref _lastStreamId));
        return WriteControlAsync(SpdyFrameType.GoAway, 0, body, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _broken = true;
        await _transport.DisposeAsync().ConfigureAwait(false);
        _decoder.Dispose();
    }

    private async ValueTask<bool> OnControlAsync(
        SpdyFrameType type, byte flags, ReadOnlyMemory<byte> payload, Func<SpdyStream, bool> onStream, Action<SpdyStream>? onReplied,
        CancellationToken cancellationToken)
    {
        switch (type)
        {
            case SpdyFrameType.SynStream:
            {
                var id = BinaryPrimitives.ReadInt32BigEndian(payload.Span) & 0x7FFFFFFF;
                var headers = _decoder.Decode(payload.Span[10..]);
                Volatile.Write(ref _lastStreamId, id);
                var stream = new SpdyStream(this, id, headers);
                if ((flags & FlagFin) != 0)
                {
                    stream.RemoteFinished();
                }

                if (!onStream(stream))
                {
                    await ResetStreamAsync(id, StatusRefused, cancellationToken).ConfigureAwait(false);
                    return true;
                }

                _streams[id] = stream;
                var reply = new byte[4];
                BinaryPrimitives.WriteInt32BigEndian(reply, id);
                await WriteFrameAsync(ControlHeader(SpdyFrameType.SynReply), 0, reply, _encoder.Encode([]), cancellationToken).ConfigureAwait(false);
                onReplied?.Invoke(stream);
                return true;
            }

            case SpdyFrameType.RstStream:
            {
                var id = BinaryPrimitives.ReadInt32BigEndian(payload.Span) & 0x7FFFFFFF;
                if (_streams.TryRemove(id, out var stream))
                {
                    stream.MarkReset();
                }

                return true;
            }

            case SpdyFrameType.Ping:
                // Echo the peer's pings (odd IDs from a client); ours would be even and we send none.
                await WriteControlAsync(SpdyFrameType.Ping, 0, payload.ToArray(), cancellationToken).ConfigureAwait(false);
                return true;

            case SpdyFrameType.GoAway:
                return false;

            case SpdyFrameType.Headers:
            {
                var id = BinaryPrimitives.ReadInt32BigEndian(payload.Span) & 0x7FFFFFFF;
                _ = _decoder.Decode(payload.Span[4..]);
                if ((flags & FlagFin) != 0 && _streams.TryGetValue(id, out var stream))
                {
                    stream.RemoteFinished();
                }

                return true;
            }

            default:
                return true;
        }
    }

    private async ValueTask OnDataAsync(int streamId, byte flags, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (!_streams.TryGetValue(streamId, out var stream))
        {
            return;
        }

        if (!data.IsEmpty && !stream.IsReset)
        {
            await stream.ReceiveAsync(data, cancellationToken).ConfigureAwait(false);
        }

        if ((flags & FlagFin) != 0)
        {
            stream.RemoteFinished();
        }
    }

    private static uint ControlHeader(SpdyFrameType type) => (uint)(((ControlBit | Version) << 16) | (int)type);

    private ValueTask WriteControlAsync(SpdyFrameType type, byte flags, byte[] body, CancellationToken cancellationToken) =>
        WriteFrameAsync(ControlHeader(type), flags, body, ReadOnlySpan<byte>.Empty, cancellationToken);

    private ValueTask WriteFrameAsync(uint first, byte flags, ReadOnlySpan<byte> body, ReadOnlySpan<byte> tail, CancellationToken cancellationToken)
    {
        var length = body.Length + tail.Length;
        var frame = ArrayPool<byte>.Shared.Rent(8 + length);
        BinaryPrimitives.WriteUInt32BigEndian(frame, first);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), ((uint)flags << 24) | (uint)length);
        body.CopyTo(frame.AsSpan(8));
        tail.CopyTo(frame.AsSpan(8 + body.Length));
        return SendAsync(frame, 8 + length, cancellationToken);
    }

    private async ValueTask SendAsync(byte[] frame, int length, CancellationToken cancellationToken)
    {
        try
        {
            if (_broken)
            {
                throw new IOException("the SPDY connection is closed");
            }

            await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await _transport.WriteAsync(frame.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
                await _transport.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException and not IOException)
            {
                _broken = true;
                throw new IOException("the SPDY connection is closed", e);
            }
            finally
            {
                _writeLock.Release();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    private async ValueTask<bool> ReadFullyAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await _transport.ReadAsync(buffer[read..], cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                if (read == 0)
                {
                    return false;
                }

                throw new IOException("the SPDY connection ended inside a frame");
            }

            read += n;
        }

        return true;
    }
}
