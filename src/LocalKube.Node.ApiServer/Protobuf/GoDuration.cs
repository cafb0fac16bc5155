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

    /// <summary>Go's <c>time.ParseDuration</c>: "1h2m3.5s", "300ms", "-1.5h", "0".</summary>
    /// <exception cref="FormatException">Not a Go duration.</exception>
    public static long Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = text.AsSpan();
        var negative = false;
        if (s.Length > 0 && s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s.SequenceEqual("0"))
        {
            return 0;
        }

        if (s.IsEmpty)
        {
            throw new FormatException($"time: invalid duration \"{text}\"");
        }

        decimal total = 0;
        while (!s.IsEmpty)
        {
            var digits = 0;
            while (digits < s.Length && (char.IsAsciiDigit(s[digits]) || s[digits] == '.'))
            {
                digits++;
            }

            var units = digits;
            while (units < s.Length && !char.IsAsciiDigit(s[units]) && s[units] != '.')
            {
                units++;
            }

            if (digits == 0 || !decimal.TryParse(s[..digits], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                throw new FormatException($"time: invalid duration \"{text}\"");
            }

            total += number * s[digits..units] switch
            {
                "ns" => 1m,
                "us" or "µs" or "μs" => 1_000m,
                "ms" => 1_000_000m,
                "s" => 1_000_000_000m,
                "m" => 60_000_000_000m,
                "h" => 3_600_000_000_000m,
                _ => throw new FormatException($"time: unknown unit \"{s[digits..units].ToString()}\" in duration \"{text}\""),
            };
            s = s[units..];
        }

        if (total > long.MaxValue)
        {
            throw new FormatException($"time: invalid duration \"{text}\"");
        }

        return negative ? -(long)total : (long)total;
    }

    // ".5" for remainder 5 of 10 digits-wide; nothing when the remainder is zero.
    private static string Fraction(ulong remainder, int digits)
    {
        var text = remainder.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0').TrimEnd('0');
        return text.Length == 0 ? "" : "." + text;
    }
}
