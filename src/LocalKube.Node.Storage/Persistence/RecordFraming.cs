using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;

namespace LocalKube.Node.Storage.Persistence;

/// <summary>
/// The framing shared by the WAL and snapshot files: [u32 payload length][u32 CRC-32C of payload][payload],
/// little-endian. A record whose length or checksum does not hold marks the end of the valid data.
/// </summary>
internal static class RecordFraming
{
    public const int HeaderSize = 8;

    /// <summary>Guards against reading a garbage length as a huge allocation.</summary>
    public const int MaxRecordBytes = 256 * 1024 * 1024;

    public static void Write(IBufferWriter<byte> output, IMessage message)
    {
        var size = message.CalculateSize();
        var span = output.GetSpan(HeaderSize + size);
        message.WriteTo(span.Slice(HeaderSize, size));
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)size);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], Crc32C.Compute(span.Slice(HeaderSize, size)));
        output.Advance(HeaderSize + size);
    }

    /// <summary>
    /// Reads the next record's payload into <paramref name="buffer"/> (grown as needed). Returns the payload length,
    /// 0 at a clean end of file, or -1 when the record is torn or corrupt.
    /// </summary>
    public static int Read(Stream stream, ref byte[] buffer)
    {
        Span<byte> header = stackalloc byte[HeaderSize];
        var got = ReadFully(stream, header);
        if (got == 0)
        {
            return 0;
        }

        if (got < HeaderSize)
        {
            return -1;
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        var crc = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        if (length == 0 || length > MaxRecordBytes)
        {
            return -1;
        }

        if (buffer.Length < length)
        {
            buffer = new byte[Math.Max(length, buffer.Length * 2)];
        }

        var payload = buffer.AsSpan(0, (int)length);
        if (ReadFully(stream, payload) < length || Crc32C.Compute(payload) != crc)
        {
            return -1;
        }

        return (int)length;
    }

    private static int ReadFully(Stream stream, Span<byte> target)
    {
        var total = 0;
        while (total < target.Length)
        {
            var n = stream.Read(target[total..]);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }
}
