using System.Globalization;

namespace LocalKube.Node.ApiServer.Catalog.Printing;

/// <summary>
/// kubectl's short human durations (apimachinery <c>duration.HumanDuration</c>): <c>45s</c>, <c>5m30s</c>, <c>3h</c>,
/// <c>2d3h</c>, <c>400d</c>, <c>2y10d</c>. The AGE column is the duration since <c>creationTimestamp</c>.
/// </summary>
public static class Age
{
    /// <summary>AGE of a timestamp, or <c>&lt;unknown&gt;</c> when there is none.</summary>
    public static string Since(DateTime? timestamp, DateTimeOffset now) =>
        timestamp is { } t && t != default ? Human(now - ToOffset(t)) : "<unknown>";

    /// <summary>Formats a duration as kubectl does.</summary>
    public static string Human(TimeSpan d)
    {
        var seconds = (long)Math.Truncate(d.TotalSeconds);
        if (seconds < -1)
        {
            return "<invalid>";
        }

        if (seconds < 0)
        {
            return "0s";
        }

        if (seconds < 60 * 2)
        {
            return Str(seconds, "s");
        }

        var minutes = seconds / 60;
        if (minutes < 10)
        {
            var s = seconds % 60;
            return s == 0 ? Str(minutes, "m") : Str(minutes, "m") + Str(s, "s");
        }

        if (minutes < 60 * 3)
        {
            return Str(minutes, "m");
        }

        var hours = seconds / 3600;
        if (hours < 8)
        {
            var m = minutes % 60;
            return m == 0 ? Str(hours, "h") : Str(hours, "h") + Str(m, "m");
        }

        if (hours < 48)
        {
            return Str(hours, "h");
        }

        if (hours < 24 * 8)
        {
            var h = hours % 24;
            return h == 0 ? Str(hours / 24, "d") : Str(hours / 24, "d") + Str(h, "h");
        }

        if (hours < 24 * 365 * 2)
        {
            return Str(hours / 24, "d");
        }

        if (hours < 24 * 365 * 8)
        {
            var dy = hours / 24 % 365;
            return dy == 0 ? Str(hours / 24 / 365, "y") : Str(hours / 24 / 365, "y") + Str(dy, "d");
        }

        return Str(hours / 24 / 365, "y");
    }

    /// <summary>The generic printer's "Created At" cell: RFC 3339 in UTC.</summary>
    public static string CreatedAt(DateTime? timestamp) =>
        timestamp is { } t ? ToOffset(t).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "<unknown>";

    /// <summary>KubernetesClient decodes timestamps as UTC or unspecified; both mean UTC on the wire.</summary>
    internal static DateTimeOffset ToOffset(DateTime t) =>
        t.Kind == DateTimeKind.Local ? new DateTimeOffset(t) : new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc));

    private static string Str(long n, string unit) => n.ToString(CultureInfo.InvariantCulture) + unit;
}
