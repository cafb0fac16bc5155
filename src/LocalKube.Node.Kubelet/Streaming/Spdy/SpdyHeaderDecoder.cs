using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace LocalKube.Node.Kubelet.Streaming.Spdy;

/// <summary>
/// Decompresses the header blocks a SPDY peer sends: one zlib stream per connection, primed with
/// <see cref="SpdyHeaderDictionary"/>, sync-flushed after every block. .NET's inflater takes no preset dictionary, so
/// the raw deflate stream is preceded by a stored block holding the dictionary: the inflater then has it in its window
/// exactly as a primed zlib would, and its output (the dictionary again) is skipped once.
/// </summary>
internal sealed class SpdyHeaderDecoder : IDisposable
{
    private const int MaxHeaderBytes = 1 << 20;
    private readonly FeedStream _feed = new();
    private readonly DeflateStream _inflater;
    private bool _started;

    public SpdyHeaderDecoder()
    {
        _inflater = new DeflateStream(_feed, CompressionMode.Decompress, leaveOpen: true);
    }

    /// <summary>Decodes one compressed header block into (lower-case name, value) pairs; values keep their NUL separators.</summary>
    /// <exception cref="InvalidDataException">The block is malformed.</exception>
    public List<KeyValuePair<string, string>> Decode(ReadOnlySpan<byte> block)
    {
        if (!_started)
        {
            // zlib header: CMF, FLG, and the dictionary's Adler-32 when FLG.FDICT is set.
            if (block.Length < 2)
            {
                throw new InvalidDataException("SPDY header block too short");
            }

            var skip = (block[1] & 0x20) != 0 ? 6 : 2;
            _feed.Add(StoredBlock(SpdyHeaderDictionary.Bytes));
            _feed.Add(block[skip..].ToArray());
            var discard = new byte[SpdyHeaderDictionary.Bytes.Length];
            _inflater.ReadExactly(discard);
            _started = true;
        }
        else
        {
            _feed.Add(block.ToArray());
        }

        try
        {
            var count = ReadInt();
            if (count < 0 || count > 1024)
            {
                throw new InvalidDataException($"SPDY header block with {count} headers");
            }

            var headers = new List<KeyValuePair<string, string>>(count);
            for (var i = 0; i < count; i++)
            {
                var name = ReadString();
                var value = ReadString();
                headers.Add(new(name.ToLowerInvariant(), value));
            }

            return headers;
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("SPDY header block truncated", e);
        }
    }

    public void Dispose()
    {
        _inflater.Dispose();
        _feed.Dispose();
    }

    /// <summary>A non-final stored deflate block (BTYPE 00) holding <paramref name="data"/> (at most 65,535 bytes).</summary>
    internal static byte[] StoredBlock(ReadOnlySpan<byte> data)
    {
        var block = new byte[5 + data.Length];
        block[0] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(block.AsSpan(1), (ushort)data.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(block.AsSpan(3), (ushort)~data.Length);
        data.CopyTo(block.AsSpan(5));
        return block;
    }

    private int ReadInt()
    {
        Span<byte> four = stackalloc byte[4];
        _inflater.ReadExactly(four);
        return BinaryPrimitives.ReadInt32BigEndian(four);
    }

    private string ReadString()
    {
        var length = ReadInt();
        if (length < 0 || length > MaxHeaderBytes)
        {
            throw new InvalidDataException($"SPDY header of {length} bytes");
        }

        var bytes = new byte[length];
        _inflater.ReadExactly(bytes);
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>The inflater's input: the blocks received so far; reads past them report the end.</summary>
    private sealed class FeedStream : Stream
    {
        private readonly Queue<byte[]> _chunks = new();
        private int _offset;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public void Add(byte[] chunk)
        {
            if (chunk.Length > 0)
            {
                _chunks.Enqueue(chunk);
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (!_chunks.TryPeek(out var chunk))
            {
                return 0;
            }

            var n = Math.Min(buffer.Length, chunk.Length - _offset);
            chunk.AsSpan(_offset, n).CopyTo(buffer);
            _offset += n;
            if (_offset == chunk.Length)
            {
                _chunks.Dequeue();
                _offset = 0;
            }

            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
