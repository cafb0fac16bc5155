using System.Globalization;

namespace LocalKube.Node.Machinery;

/// <summary>
/// Go's <c>time.ParseDuration</c> and <c>Duration.String</c> for the units Kubernetes uses (h, m, s, ms, us, ns): the
/// syntax of every duration flag and setting (<c>5m0s</c>, <c>30s</c>, <c>0</c>).
/// </summary>
public static class GoDuration
{
    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <exception cref="FormatException">Not a duration; the message quotes it as Go's does.</exception>
    public static TimeSpan Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text.Trim(), out var duration) ? duration : throw new FormatException($"time: invalid duration \"{text}\"");
    }

    /// <summary>Parses <c>1h2m3.5s</c>, <c>300ms</c>, <c>0</c>; false on anything else.</summary>
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var s = text.AsSpan();
        var negative = s[0] == '-';
        if (s[0] is '-' or '+')
        {
            s = s[1..];
        }

        if (s is "0")
        {
            return true;
        }

        double total = 0;
        while (!s.IsEmpty)
        {
            var i = 0;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }

            if (i == 0 || !double.TryParse(s[..i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            {
                return false;
            }

            s = s[i..];
            var j = 0;
            while (j < s.Length && !char.IsAsciiDigit(s[j]) && s[j] != '.')
            {
                j++;
            }

            double? unit = s[..j] switch
            {
                "h" => 3600e9,
                "m" => 60e9,
                "s" => 1e9,
                "ms" => 1e6,
                "us" or "µs" => 1e3,
                "ns" => 1,
                _ => null,
            };
            if (unit is null)
            {
                return false;
            }

            total += value * unit.Value;
            s = s[j..];
        }

        duration = TimeSpan.FromTicks((long)Math.Round(total / 100) * (negative ? -1 : 1));
        return true;
    }

    /// <summary>Go's <c>Duration.String</c>: <c>1m30s</c>, <c>1.5s</c>, <c>300ms</c>, <c>0s</c>.</summary>
    public static string Format(TimeSpan duration)
    {
        var ticks = duration.Ticks;
        if (ticks == 0)
        {
            return "0s";
        }

        var sign = ticks < 0 ? "-" : "";
        ticks = Math.Abs(ticks);
        if (ticks < TimeSpan.TicksPerSecond)
        {
            // Below a second Go picks ms/µs/ns.
            var ns = ticks * 100;
            return ns >= 1_000_000 ? sign + Trim(ns / 1e6) + "ms" : ns >= 1000 ? sign + Trim(ns / 1e3) + "µs" : sign + ns + "ns";
        }

        var hours = ticks / TimeSpan.TicksPerHour;
        ticks -= hours * TimeSpan.TicksPerHour;
        var minutes = ticks / TimeSpan.TicksPerMinute;
        ticks -= minutes * TimeSpan.TicksPerMinute;
        var seconds = Trim(ticks / (double)TimeSpan.TicksPerSecond) + "s";
        return sign + (hours > 0 ? $"{hours}h{minutes}m" : minutes > 0 ? $"{minutes}m" : "") + seconds;
    }

    private static string Trim(double value) => value.ToString("0.#########", CultureInfo.InvariantCulture);
}
