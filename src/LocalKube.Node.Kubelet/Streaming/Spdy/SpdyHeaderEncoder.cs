using System.Buffers.Binary;
using System.Text;

namespace LocalKube.Node.Kubelet.Streaming.Spdy;

/// <summary>
/// Writes the header blocks this end sends as one zlib stream of stored (uncompressed) deflate blocks. A zlib reader
/// needs no dictionary for a stream that does not announce one (FLG.FDICT clear), and the few headers a server sends
/// (usually none) are not worth compressing; each block is byte-aligned and ends with a sync-flush marker, so every frame is complete on its own.
/// </summary>
internal sealed class SpdyHeaderEncoder
{
    private bool _started;

    /// <summary>The compressed block for <paramref name="headers"/>.</summary>
    public byte[] Encode(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        using var raw = new MemoryStream();
        Span<byte> four = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(four, headers.Count);
        raw.Write(four);
        foreach (var (name, value) in headers)
        {
            foreach (var text in new[] { name.ToLowerInvariant(), value })
            {
                var bytes = Encoding.UTF8.GetBytes(text);
                BinaryPrimitives.WriteInt32BigEndian(four, bytes.Length);
                raw.Write(four);
                raw.Write(bytes);
            }
        }

        using var output = new MemoryStream();
        if (!_started)
        {
            // CMF 0x78 (deflate, 32 KiB window), FLG 0x01 (no dictionary, check bits make 0x7801 a multiple of 31).
            output.WriteByte(0x78);
            output.WriteByte(0x01);
            _started = true;
        }

        var data = raw.GetBuffer().AsSpan(0, (int)raw.Length);
        do
        {
            var n = Math.Min(data.Length, ushort.MaxValue);
            output.Write(SpdyHeaderDecoder.StoredBlock(data[..n]));
            data = data[n..];
        }
        while (!data.IsEmpty);

        // The sync-flush marker (an empty stored block), as zlib's Z_SYNC_FLUSH ends every SPDY header block: Go's
        // inflater hands out a stored block's bytes only when it reaches the next block header, which must be in this
        // frame, or the peer's reader fails at the frame's end and every later header block with it.
        output.Write(SpdyHeaderDecoder.StoredBlock([]));
        return output.ToArray();
    }
}
