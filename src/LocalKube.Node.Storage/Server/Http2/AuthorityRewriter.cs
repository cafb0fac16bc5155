using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Connections;

namespace LocalKube.Node.Storage.Server.Http2;

/// <summary>
/// Kestrel connection middleware that makes etcdctl 3.4's <c>endpoint status</c> work. For per-endpoint calls it
/// dials with <c>:authority: http://HOST:PORT</c>, which is not a valid authority, and Kestrel resets such a stream
/// with PROTOCOL_ERROR (etcd's Go server ignores it). This reads the client's HTTP/2 frames; when a connection's
/// first header block carries a bad authority, every header block on that connection is decoded and re-encoded
/// (literals without indexing, so Kestrel's decoder table stays empty) with the authority repaired. Any other
/// connection is passed through untouched after its first header block.
/// </summary>
internal static class AuthorityRewriter
{
    private const int FrameHeaderSize = 9;
    private const int MaxOutgoingFrame = 16384;

    // HTTP/2's default SETTINGS_MAX_FRAME_SIZE (Kestrel advertises no more): a longer frame is a protocol error, and
    // waiting for it would buffer up to 16 MiB per frame.
    private const int MaxIncomingFrame = 16384;

    // Kestrel's own limit on a request's headers is 32 KiB; a header block (HEADERS plus CONTINUATIONs) past this
    // is refused rather than buffered without end.
    internal const int MaxHeaderBlock = 64 * 1024;
    private const byte Headers = 0x1;
    private const byte Continuation = 0x9;
    private const byte EndStream = 0x1;
    private const byte EndHeaders = 0x4;
    private const byte Padded = 0x8;
    private const byte Priority = 0x20;
    private static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    public static ConnectionDelegate Wrap(ConnectionDelegate next) => async context =>
    {
        var original = context.Transport;
        var reader = new SwitchingPipeReader(original.Input, PumpAsync);
        context.Transport = new DuplexPipe(reader, original.Output);
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            await reader.StopAsync().ConfigureAwait(false);
            context.Transport = original;
        }
    };

    /// <summary>
    /// Moves frames from the socket to the stage until the connection turns out to need no repair (then hands the
    /// socket over and returns) or ends.
    /// </summary>
    private static async Task PumpAsync(PipeReader input, PipeWriter output, Action handOver, CancellationToken ct)
    {
        var state = new State();
        Exception? error = null;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var result = await input.ReadAsync(ct).ConfigureAwait(false);
                var buffer = result.Buffer;
                var consumed = Process(buffer, output, state);
                input.AdvanceTo(consumed, state.PassThrough ? consumed : buffer.End);
                var flush = await output.FlushAsync(ct).ConfigureAwait(false);
                if (state.PassThrough)
                {
                    // Everything read so far is staged; from here Kestrel reads the socket's pipe itself.
                    handOver();
                    break;
                }

                if (result.IsCompleted || result.IsCanceled || flush.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e)
        {
            // A malformed or oversized frame (or a bug here): end the connection with the error, which Kestrel turns
            // into a closed connection. Never leave Kestrel waiting on a pump that stopped.
            error = e as InvalidDataException ?? new InvalidDataException("HTTP/2: malformed frame", e);
        }

        if (error is not null)
        {
            // Nothing more is read from this client: a sender blocked on a full socket pipe must not wait forever.
            await input.CompleteAsync().ConfigureAwait(false);
        }

        await output.CompleteAsync(error).ConfigureAwait(false);
    }

    private static SequencePosition Copy(ReadOnlySequence<byte> buffer, PipeWriter output)
    {
        foreach (var segment in buffer)
        {
            output.Write(segment.Span);
        }

        return buffer.End;
    }

    /// <summary>Forwards every whole frame in <paramref name="buffer"/>; returns how far it got.</summary>
    private static SequencePosition Process(ReadOnlySequence<byte> buffer, PipeWriter output, State state)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (!state.PrefaceSeen)
        {
            if (reader.Remaining < Preface.Length)
            {
                return reader.Position;
            }

            var preface = buffer.Slice(0, Preface.Length);
            output.Write(preface.ToArray());
            reader.Advance(Preface.Length);
            state.PrefaceSeen = true;
        }

        Span<byte> header = stackalloc byte[FrameHeaderSize];
        while (!state.PassThrough && reader.TryCopyTo(header))
        {
            var length = (header[0] << 16) | (header[1] << 8) | header[2];
            if (length > MaxIncomingFrame)
            {
                throw new InvalidDataException($"HTTP/2: frame of {length} bytes exceeds the maximum frame size {MaxIncomingFrame}");
            }

            if (reader.Remaining < FrameHeaderSize + length)
            {
                break;
            }

            var frame = buffer.Slice(reader.Position, FrameHeaderSize + length).ToArray();
            reader.Advance(FrameHeaderSize + length);
            var type = header[3];
            if (type == Headers || (type == Continuation && state.Block is not null))
            {
                OnHeaderFrame(frame, output, state);
            }
            else
            {
                output.Write(frame);
            }
        }

        if (state.PassThrough)
        {
            // The first header block needed no repair: stage what is left of this read as it is.
            Copy(buffer.Slice(reader.Position), output);
            return buffer.End;
        }

        return reader.Position;
    }

    private static void OnHeaderFrame(byte[] frame, PipeWriter output, State state)
    {
        var flags = frame[4];
        var payload = frame.AsSpan(FrameHeaderSize);
        if (frame[3] == Headers)
        {
            // RFC 9113 6.2: padding (and the priority fields) longer than the payload is a PROTOCOL_ERROR.
            var padded = (flags & Padded) != 0;
            var prioritized = (flags & Priority) != 0;
            var pad = padded ? (payload.IsEmpty ? int.MaxValue : payload[0]) : 0;
            var fixedPart = (padded ? 1 : 0) + (prioritized ? 5 : 0);
            if ((long)fixedPart + pad > payload.Length)
            {
                throw new InvalidDataException("HTTP/2: HEADERS padding and priority exceed the frame payload");
            }

            payload = padded ? payload[1..] : payload;
            state.Priority = prioritized ? payload[..5].ToArray() : null;
            payload = prioritized ? payload[5..] : payload;
            payload = payload[..^pad];
            state.Block = new ArrayBufferWriter<byte>();
            state.Frames = [];
            state.StreamId = BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(5)) & 0x7FFFFFFF;
            state.EndStream = (flags & EndStream) != 0;
        }

        if (state.Block!.WrittenCount + payload.Length > MaxHeaderBlock)
        {
            throw new InvalidDataException($"HTTP/2: header block exceeds {MaxHeaderBlock} bytes");
        }

        state.Block.Write(payload);
        state.Frames!.Add(frame);
        if ((flags & EndHeaders) == 0)
        {
            return;
        }

        var headers = state.Decoder.Decode(state.Block!.WrittenSpan);
        if (!state.Rewrite)
        {
            state.Rewrite = headers.Any(h => h.Name == ":authority" && FixAuthority(h.Value) != h.Value);
            state.PassThrough = !state.Rewrite;
        }

        if (state.Rewrite)
        {
            WriteHeaders(output, state, headers.Select(h => h.Name == ":authority" ? (h.Name, FixAuthority(h.Value)) : h));
        }
        else
        {
            foreach (var original in state.Frames)
            {
                output.Write(original);
            }
        }

        state.Block = null;
        state.Frames = null;
    }

    /// <summary>Turns <c>http://host:port</c> into <c>host:port</c>; anything else invalid becomes <c>localhost</c>.</summary>
    internal static string FixAuthority(string authority)
    {
        if (authority.Length > 0 && authority.All(c => char.IsAsciiLetterOrDigit(c) || "-._~!$&'()*+,;=%:[]".Contains(c)))
        {
            return authority;
        }

        return Uri.TryCreate(authority, UriKind.Absolute, out var uri) && uri.Authority.Length > 0 ? uri.Authority : "localhost";
    }

    private static void WriteHeaders(PipeWriter output, State state, IEnumerable<(string Name, string Value)> headers)
    {
        var block = new ArrayBufferWriter<byte>();
        foreach (var (name, value) in headers)
        {
            block.Write((ReadOnlySpan<byte>)[0x00]);
            WriteString(block, name);
            WriteString(block, value);
        }

        var rest = block.WrittenMemory;
        var prefix = state.Priority ?? [];
        var first = true;
        while (first || rest.Length > 0)
        {
            var room = MaxOutgoingFrame - (first ? prefix.Length : 0);
            var chunk = rest[..Math.Min(room, rest.Length)];
            rest = rest[chunk.Length..];
            var flags = (byte)(rest.Length == 0 ? EndHeaders : 0);
            if (first)
            {
                flags |= (byte)((state.EndStream ? EndStream : 0) | (state.Priority is null ? 0 : Priority));
            }

            var length = chunk.Length + (first ? prefix.Length : 0);
            Span<byte> frameHeader = [(byte)(length >> 16), (byte)(length >> 8), (byte)length, first ? Headers : Continuation, flags, 0, 0, 0, 0];
            BinaryPrimitives.WriteUInt32BigEndian(frameHeader[5..], state.StreamId);
            output.Write(frameHeader);
            if (first)
            {
                output.Write(prefix);
            }

            output.Write(chunk.Span);
            first = false;
        }
    }

    private static void WriteString(ArrayBufferWriter<byte> block, string text)
    {
        var bytes = Encoding.Latin1.GetBytes(text);
        var length = bytes.Length;

        // 7-bit prefix integer, Huffman bit clear.
        if (length < 127)
        {
            block.Write((ReadOnlySpan<byte>)[(byte)length]);
        }
        else
        {
            block.Write((ReadOnlySpan<byte>)[127]);
            length -= 127;
            while (length >= 128)
            {
                block.Write((ReadOnlySpan<byte>)[(byte)((length & 0x7F) | 0x80)]);
                length >>= 7;
            }

            block.Write((ReadOnlySpan<byte>)[(byte)length]);
        }

        block.Write(bytes);
    }

    private sealed class State
    {
        public HpackDecoder Decoder { get; } = new();

        public bool PrefaceSeen { get; set; }

        public bool PassThrough { get; set; }

        public bool Rewrite { get; set; }

        public ArrayBufferWriter<byte>? Block { get; set; }

        public List<byte[]>? Frames { get; set; }

        public byte[]? Priority { get; set; }

        public uint StreamId { get; set; }

        public bool EndStream { get; set; }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
