namespace LocalKube.Node.Storage.Server.Http2;

/// <summary>
/// Decoder for HPACK's Huffman code (RFC 7541 Appendix B). The code is canonical, so it is rebuilt here from the
/// code length of each of the 257 symbols (256 = EOS); the lengths are the RFC's, encoded as 'A' + length.
/// </summary>
internal static class HpackHuffman
{
    private const string Lengths = @"NX]]]]]]]Y_]]_]]]]]]]]_]]]]]]]]]GKKMNGILKKILIGGGFFFGGGGGGGHIPGMKNGHHHHHHHHHHHHHHHHHHHHHHIHINTNOGPFGFGFGGGFHHGGGFGHGFFGHHHHHPLON]UWUUWWWXWXXXXXYXYYWXYXXXXVWXWXXYWVUWWXXVXWWYVWXXVVWVXWXXUWWWXWWX[[UTWXWZ[[[\\[YZTV[\\[\YVV[[]\\\UYUVWVVXWWZZYY[X[\[[\\\\\]\\\\\[_";

    // For each code length: the first code of that length and the index of its first symbol in Symbols.
    private static readonly uint[] FirstCode = new uint[31];
    private static readonly int[] FirstIndex = new int[31];
    private static readonly int[] CountOfLength = new int[31];
    private static readonly int[] Symbols = new int[257];

    static HpackHuffman()
    {
        var order = Enumerable.Range(0, 257).OrderBy(s => Lengths[s] - 'A').ThenBy(s => s).ToArray();
        uint code = 0;
        var previous = Lengths[order[0]] - 'A';
        for (var i = 0; i < order.Length; i++)
        {
            var length = Lengths[order[i]] - 'A';
            if (i > 0)
            {
                code = (code + 1) << (length - previous);
            }

            if (CountOfLength[length]++ == 0)
            {
                FirstCode[length] = code;
                FirstIndex[length] = i;
            }

            Symbols[i] = order[i];
            previous = length;
        }
    }

    /// <summary>Decodes a Huffman-coded string; throws <see cref="InvalidDataException"/> on a bad code.</summary>
    public static byte[] Decode(ReadOnlySpan<byte> data)
    {
        var output = new List<byte>(data.Length * 8 / 5);
        uint code = 0;
        var length = 0;
        foreach (var b in data)
        {
            for (var bit = 7; bit >= 0; bit--)
            {
                code = (code << 1) | (uint)((b >> bit) & 1);
                length++;
                if (length > 30)
                {
                    throw new InvalidDataException("HPACK: bad Huffman code");
                }

                if (CountOfLength[length] > 0 && code >= FirstCode[length] && code - FirstCode[length] < (uint)CountOfLength[length])
                {
                    var symbol = Symbols[FirstIndex[length] + (int)(code - FirstCode[length])];
                    if (symbol == 256)
                    {
                        throw new InvalidDataException("HPACK: EOS in a Huffman string");
                    }

                    output.Add((byte)symbol);
                    code = 0;
                    length = 0;
                }
            }
        }

        // What is left must be padding: at most 7 one-bits (a prefix of EOS).
        if (length > 7 || code != (1u << length) - 1)
        {
            throw new InvalidDataException("HPACK: bad Huffman padding");
        }

        return [.. output];
    }
}
