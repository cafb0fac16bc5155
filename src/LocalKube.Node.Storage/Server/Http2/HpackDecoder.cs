using System.Text;

namespace LocalKube.Node.Storage.Server.Http2;

/// <summary>
/// A complete HPACK decoder (RFC 7541): static and dynamic tables, integers, literals, Huffman strings and table
/// size updates. One per connection, fed every header block in order.
/// </summary>
internal sealed class HpackDecoder
{
    private readonly LinkedList<(string Name, string Value)> _dynamic = new();
    private int _size;
    private int _maxSize = 4096;

    public List<(string Name, string Value)> Decode(ReadOnlySpan<byte> block)
    {
        var headers = new List<(string, string)>();
        var pos = 0;
        while (pos < block.Length)
        {
            var b = block[pos];
            if ((b & 0x80) != 0)
            {
                headers.Add(Lookup(ReadInteger(block, ref pos, 7)));
            }
            else if ((b & 0xC0) == 0x40)
            {
                var header = ReadLiteral(block, ref pos, 6);
                headers.Add(header);
                Add(header);
            }
            else if ((b & 0xE0) == 0x20)
            {
                // RFC 7541 6.3: never above the limit the server announced (Kestrel's default, 4,096 octets).
                _maxSize = ReadInteger(block, ref pos, 5);
                if (_maxSize > 4096)
                {
                    throw new InvalidDataException($"HPACK: table size {_maxSize} above the 4096 allowed");
                }

                Evict();
            }
            else
            {
                // 0000xxxx (without indexing) and 0001xxxx (never indexed): same shape, no table change.
                headers.Add(ReadLiteral(block, ref pos, 4));
            }
        }

        return headers;
    }

    private (string, string) ReadLiteral(ReadOnlySpan<byte> block, ref int pos, int prefix)
    {
        var index = ReadInteger(block, ref pos, prefix);
        var name = index == 0 ? ReadString(block, ref pos) : Lookup(index).Name;
        return (name, ReadString(block, ref pos));
    }

    private (string Name, string Value) Lookup(int index)
    {
        if (index >= 1 && index <= HpackStaticTable.Entries.Length)
        {
            return HpackStaticTable.Entries[index - 1];
        }

        var dynamicIndex = index - HpackStaticTable.Entries.Length - 1;
        if (index < 1 || dynamicIndex >= _dynamic.Count)
        {
            throw new InvalidDataException($"HPACK: index {index} out of range");
        }

        return _dynamic.ElementAt(dynamicIndex);
    }

    private void Add((string Name, string Value) header)
    {
        _dynamic.AddFirst(header);
        _size += EntrySize(header);
        Evict();
    }

    private void Evict()
    {
        while (_size > _maxSize && _dynamic.Count > 0)
        {
            _size -= EntrySize(_dynamic.Last!.Value);
            _dynamic.RemoveLast();
        }
    }

    private static int EntrySize((string Name, string Value) header) =>
        Encoding.Latin1.GetByteCount(header.Name) + Encoding.Latin1.GetByteCount(header.Value) + 32;

    private static string ReadString(ReadOnlySpan<byte> block, ref int pos)
    {
        if (pos >= block.Length)
        {
            throw new InvalidDataException("HPACK: truncated string");
        }

        var huffman = (block[pos] & 0x80) != 0;
        var length = ReadInteger(block, ref pos, 7);
        if (length > block.Length - pos)
        {
            throw new InvalidDataException("HPACK: truncated string");
        }

        var raw = block.Slice(pos, length);
        pos += length;
        return Encoding.Latin1.GetString(huffman ? HpackHuffman.Decode(raw) : raw);
    }

    private static int ReadInteger(ReadOnlySpan<byte> block, ref int pos, int prefixBits)
    {
        var max = (1 << prefixBits) - 1;
        var value = block[pos++] & max;
        if (value < max)
        {
            return value;
        }

        var shift = 0;
        while (true)
        {
            if (pos >= block.Length || shift > 28)
            {
                throw new InvalidDataException("HPACK: bad integer");
            }

            var b = block[pos++];
            var add = (long)(b & 0x7F) << shift;
            if (value + add > int.MaxValue)
            {
                throw new InvalidDataException("HPACK: integer too large");
            }

            value += (int)add;
            shift += 7;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
    }
}
