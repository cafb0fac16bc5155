using System.Globalization;

namespace LocalKube.Node.ApiServer.Catalog.Core;

/// <summary>
/// Table ages as upstream prints them (apimachinery <c>util/duration.HumanDuration</c>): "45s", "3m20s", "5h10m",
/// "3d4h", "2y10d"; "&lt;unknown&gt;" without a timestamp.
/// </summary>
public static class HumanDuration
{
    /// <summary>The AGE cell of an object created at <paramref name="created"/>.</summary>
    public static string Age(DateTime? created, DateTimeOffset now) =>
        created is null ? "<unknown>" : Format(now - new DateTimeOffset(DateTime.SpecifyKind(created.Value, DateTimeKind.Utc)));

    /// <summary>Formats <paramref name="d"/>.</summary>
    public static string Format(TimeSpan d)
    {
        var seconds = (long)d.TotalSeconds;
        if (seconds < -1)
        {
            return "<invalid>";
        }

        if (seconds < 0)
        {
            return "0s";
        }

        if (seconds < 120)
        {
            return F("{0}s", seconds);
        }

        var minutes = (long)d.TotalMinutes;
        if (minutes < 10)
        {
            var s = seconds % 60;
            return s == 0 ? F("{0}m", minutes) : F("{0}m{1}s", minutes, s);
        }

        if (minutes < 180)
        {
            return F("{0}m", minutes);
        }

        var hours = (long)d.TotalHours;
        if (hours < 8)
        {
            var m = minutes % 60;
            return m == 0 ? F("{0}h", hours) : F("{0}h{1}m", hours, m);
        }

        if (hours < 48)
        {
            return F("{0}h", hours);
        }

        if (hours < 24 * 8)
        {
            var h = hours % 24;
            return h == 0 ? F("{0}d", hours / 24) : F("{0}d{1}h", hours / 24, h);
        }

        if (hours < 24 * 365 * 2)
        {
            return F("{0}d", hours / 24);
        }

        if (hours < 24 * 365 * 8)
        {
            var dy = (hours / 24) % 365;
            return dy == 0 ? F("{0}y", hours / 24 / 365) : F("{0}y{1}d", hours / 24 / 365, dy);
        }

        return F("{0}y", hours / 24 / 365);
    }

    private static string F(string format, params object[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
}
