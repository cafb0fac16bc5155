using System.Buffers;
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
}
