using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace LocalKube.Node.ApiServer.Rest;

/// <summary>
/// Go's reading of text that is not valid UTF-8: its JSON decoder turns each byte of an invalid sequence into
/// U+FFFD instead of failing, so upstream stores <c>"a\xff"</c> as <c>"a\uFFFD"</c> (and a name with such a byte is an
/// invalid name, 422). System.Text.Json fails on such strings only when it transcodes them, deep inside a request.
/// </summary>
public static class GoUtf8
{
    /// <summary><paramref name="text"/> itself when it is valid UTF-8; otherwise a copy with each invalid byte replaced by U+FFFD.</summary>
    public static byte[] ReplaceInvalid(byte[] text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Utf8.IsValid(text))
        {
            return text;
        }

        var output = new ArrayBufferWriter<byte>(text.Length + 16);
        ReadOnlySpan<byte> rest = text;
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(rest, out _, out var consumed) == OperationStatus.Done)
            {
                output.Write(rest[..consumed]);
                rest = rest[consumed..];
                continue;
            }

            // One replacement per byte, as Go's utf8.DecodeRune reports (RuneError, 1).
            output.Write("\uFFFD"u8);
            rest = rest[1..];
        }

        return output.WrittenSpan.ToArray();
    }

    /// <summary>
    /// <paramref name="json"/> itself when its <c>\u</c> escapes pair their surrogates; otherwise a copy with each
    /// unpaired one (<c>\uD83D</c> alone, <c>\uDE00</c> alone) written as <c>\uFFFD</c>, which is how Go's decoder reads
    /// them. System.Text.Json accepts such escapes while parsing and fails only when the string is read, deep inside
    /// a request (a merge patch's keys, found by the fuzz harness as a 500).
    /// </summary>
    public static byte[] ReplaceLoneSurrogateEscapes(byte[] json)
    {
        ArgumentNullException.ThrowIfNull(json);
        byte[]? copy = null;
        for (var i = 0; i < json.Length - 1; i++)
        {
            if (json[i] != (byte)'\\')
            {
                continue;
            }

            // Any escape is two bytes or more: skipping the escaped byte keeps "\\uD800" (an escaped backslash) whole.
            if (json[i + 1] != (byte)'u' || !Hex(json, i + 2, out var unit))
            {
                i++;
                continue;
            }

            if (unit is >= 0xD800 and <= 0xDBFF && i + 11 < json.Length && json[i + 6] == (byte)'\\' && json[i + 7] == (byte)'u'
                && Hex(json, i + 8, out var low) && low is >= 0xDC00 and <= 0xDFFF)
            {
                i += 11;
                continue;
            }

            if (unit is >= 0xD800 and <= 0xDFFF)
            {
                copy ??= (byte[])json.Clone();
                "\\uFFFD"u8.CopyTo(copy.AsSpan(i));
            }

            i += 5;
        }

        return copy ?? json;
    }

    // Four hex digits at at (no sign, no spaces: AllowHexSpecifier alone).
    private static bool Hex(byte[] text, int at, out int value)
    {
        value = 0;
        return at + 4 <= text.Length && int.TryParse(text.AsSpan(at, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }
}
