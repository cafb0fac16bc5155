using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace LocalKube.Node.ApiServer.Protobuf;

/// <summary>
/// Writes protobuf wire format into a growable buffer. Nested messages are written into a scratch writer first and
/// then copied behind their length (objects are small; this keeps one pass over the JSON).
/// </summary>
internal sealed class WireWriter
{
    private readonly ArrayBufferWriter<byte> _buffer;

    public WireWriter(int capacity = 256) => _buffer = new ArrayBufferWriter<byte>(capacity);

    public ReadOnlySpan<byte> Written => _buffer.WrittenSpan;

    public int Length => _buffer.WrittenCount;

    public void Clear() => _buffer.ResetWrittenCount();

    public void Tag(int field, WireType type) => Varint(((ulong)(uint)field << 3) | (uint)type);

    public void Varint(ulong value)
    {
        var span = _buffer.GetSpan(10);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        _buffer.Advance(i);
    }

    public void Fixed32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
    }

    public void Fixed64(ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }

    public void Bytes(ReadOnlySpan<byte> value)
    {
        Varint((ulong)value.Length);
        _buffer.Write(value);
    }

    public void String(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        Varint((ulong)length);
        var span = _buffer.GetSpan(length);
        Encoding.UTF8.GetBytes(value, span);
        _buffer.Advance(length);
    }

    public void Raw(ReadOnlySpan<byte> bytes) => _buffer.Write(bytes);

    /// <summary>Field <paramref name="field"/> as a length-delimited copy of <paramref name="message"/>'s bytes.</summary>
    public void Message(int field, WireWriter message)
    {
        Tag(field, WireType.LengthDelimited);
        Bytes(message.Written);
    }
}
