using System.Globalization;
using LocalKube.Node.Kubelet.Runtime;

namespace LocalKube.Node.Kubelet.Server;

/// <summary>
/// The timestamp <c>kubectl logs --timestamps</c> prints: RFC 3339 in UTC with exactly nine fractional digits, as the
/// kubelet's <c>timeFormatOut</c>. The runtime's own text keeps nanoseconds that a DateTimeOffset would round.
/// </summary>
internal static class LogTimestamp
{
    /// <summary>The record's time as <c>2006-01-02T15:04:05.000000000Z</c>.</summary>
    public static string Format(LogRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var text = record.TimeText;
        if (text.EndsWith('Z') && text.Length >= 20 && text[19] is '.' or 'Z')
        {
            var fraction = text.Length > 20 ? text[20..^1] : "";
            if (fraction.Length <= 9 && fraction.All(char.IsAsciiDigit))
            {
                return string.Concat(text.AsSpan(0, 19), ".", fraction.PadRight(9, '0'), "Z");
            }
        }

        var utc = record.Time.ToUniversalTime();
        return utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture) + "00Z";
    }
}
