using System.Globalization;

namespace LocalKube.Node.ApiServer.Protobuf;

/// <summary>Go's <c>time.Duration.String()</c> text (metav1.Duration's JSON): "1h0m0s", "1.5s", "300ms", "0s".</summary>
internal static class GoDuration
{
    public static string Format(long nanoseconds)
    {
        if (nanoseconds == 0)
        {
            return "0s";
        }

        var negative = nanoseconds < 0;
        var u = negative ? (ulong)(-(nanoseconds + 1)) + 1 : (ulong)nanoseconds;
        string text;
        if (u < 1_000)
        {
            text = $"{u}ns";
        }
        else if (u < 1_000_000)
        {
            text = $"{u / 1_000}{Fraction(u % 1_000, 3)}µs";
        }
        else if (u < 1_000_000_000)
        {
            text = $"{u / 1_000_000}{Fraction(u % 1_000_000, 6)}ms";
        }
        else
        {
            // Whole hours and minutes, then seconds with their fraction: "1h0m0s", "1m1.5s".
            var seconds = u / 1_000_000_000;
            text = $"{seconds % 60}{Fraction(u % 1_000_000_000, 9)}s";
            var minutes = seconds / 60;
            if (minutes > 0)
            {
                text = $"{minutes % 60}m{text}";
                if (minutes / 60 > 0)
                {
                    text = $"{minutes / 60}h{text}";
                }
            }
        }

        return negative ? "-" + text : text;
    }

    // ".5" for remainder 5 of 10 digits-wide; nothing when the remainder is zero.
    private static string Fraction(ulong remainder, int digits)
    {
        var text = remainder.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0').TrimEnd('0');
        return text.Length == 0 ? "" : "." + text;
    }
}
