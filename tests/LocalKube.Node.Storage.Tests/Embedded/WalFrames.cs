using System.Buffers.Binary;
using LocalKube.Node.Storage.Persistence;

namespace LocalKube.Node.Storage.Tests.Embedded;

/// <summary>The framed records of a WAL segment or snapshot file, for tests that damage them on purpose.</summary>
internal static class WalFrames
{
    /// <summary>Each record's offset and payload length, in file order, up to the first that does not read.</summary>
    public static List<(int Offset, int Length)> Records(byte[] file)
    {
        var result = new List<(int, int)>();
        using var stream = new MemoryStream(file);
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var offset = (int)stream.Position;
            var n = RecordFraming.Read(stream, ref buffer);
            if (n <= 0)
            {
                return result;
            }

            result.Add((offset, n));
        }
    }

    /// <summary>The file with the record at <paramref name="at"/> replaced by <paramref name="payload"/>, its checksum recomputed.</summary>
    public static byte[] Reframe(byte[] file, int at, int length, byte[] payload)
    {
        byte[] result = [.. file.AsSpan(0, at), .. new byte[RecordFraming.HeaderSize], .. payload, .. file.AsSpan(at + RecordFraming.HeaderSize + length)];
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(at), (uint)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(at + 4), Crc32C.Compute(payload));
        return result;
    }
}
