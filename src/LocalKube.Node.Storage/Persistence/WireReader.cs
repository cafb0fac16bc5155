using LocalKube.Node.Storage.Protocol;

namespace LocalKube.Node.Storage.Persistence;

/// <summary>
/// A small protobuf reader for the two messages startup reads in bulk (KeyValue and WalRecord), putting keys and
/// values in a <see cref="ValueArena"/>. Unknown fields are skipped, as protobuf requires.
/// </summary>
internal static class WireReader
{
    public static KeyValue ReadKeyValue(ReadOnlySpan<byte> data, ValueArena arena)
    {
        var kv = new KeyValue();
        var pos = 0;
        while (pos < data.Length)
        {
            var tag = ReadVarint(data, ref pos);
            switch (tag)
            {
                case 0x0A:
                    kv.Key = arena.Copy(ReadBytes(data, ref pos));
                    break;
                case 0x10:
                    kv.CreateRevision = (long)ReadVarint(data, ref pos);
                    break;
                case 0x18:
                    kv.ModRevision = (long)ReadVarint(data, ref pos);
                    break;
                case 0x20:
                    kv.Version = (long)ReadVarint(data, ref pos);
                    break;
                case 0x2A:
                    kv.Value = arena.Copy(ReadBytes(data, ref pos));
                    break;
                case 0x30:
                    kv.Lease = (long)ReadVarint(data, ref pos);
                    break;
                default:
                    Skip(data, ref pos, tag);
                    break;
            }
        }

        return kv;
    }

    public static WalRecord ReadWalRecord(ReadOnlySpan<byte> data, ValueArena arena)
    {
        var record = new WalRecord();
        var pos = 0;
        while (pos < data.Length)
        {
            var tag = ReadVarint(data, ref pos);
            switch (tag)
            {
                case 0x08:
                    record.Revision = (long)ReadVarint(data, ref pos);
                    break;
                case 0x12:
                    record.Changes.Add(ReadKeyValue(ReadBytes(data, ref pos), arena));
                    break;
                case 0x1A:
                    record.LeaseGrants.Add(WalLease.Parser.ParseFrom(ReadBytes(data, ref pos)));
                    break;
                case 0x20:
                    record.LeaseRevokes.Add((long)ReadVarint(data, ref pos));
                    break;
                case 0x22:
                    // Packed repeated int64, the proto3 default encoding.
                    var packed = ReadBytes(data, ref pos);
                    var p = 0;
                    while (p < packed.Length)
                    {
                        record.LeaseRevokes.Add((long)ReadVarint(packed, ref p));
                    }

                    break;
                case 0x28:
                    record.CompactRevision = (long)ReadVarint(data, ref pos);
                    break;
                case 0x30:
                    record.Alarm = (int)ReadVarint(data, ref pos);
                    break;
                default:
                    Skip(data, ref pos, tag);
                    break;
            }
        }

        return record;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int pos)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (pos >= data.Length)
            {
                throw new InvalidDataException("truncated varint");
            }

            var b = data[pos++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new InvalidDataException("varint too long");
    }

    private static ReadOnlySpan<byte> ReadBytes(ReadOnlySpan<byte> data, ref int pos)
    {
        var length = ReadVarint(data, ref pos);
        if (length > (ulong)(data.Length - pos))
        {
            throw new InvalidDataException("truncated bytes field");
        }

        var slice = data.Slice(pos, (int)length);
        pos += (int)length;
        return slice;
    }

    private static void Skip(ReadOnlySpan<byte> data, ref int pos, ulong tag)
    {
        switch (tag & 7)
        {
            case 0:
                ReadVarint(data, ref pos);
                break;
            case 1 or 5:
                var width = (tag & 7) == 1 ? 8 : 4;
                if (width > data.Length - pos)
                {
                    throw new InvalidDataException("truncated fixed-width field");
                }

                pos += width;
                break;
            case 2:
                ReadBytes(data, ref pos);
                break;
            default:
                throw new InvalidDataException($"unsupported wire type {tag & 7}");
        }
    }
}
