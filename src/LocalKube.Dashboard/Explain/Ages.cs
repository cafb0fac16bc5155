using System.Globalization;

namespace LocalKube.Dashboard.Explain;

/// <summary>Durations as kubectl prints them (apimachinery <c>duration.HumanDuration</c>).</summary>
public static class Ages
{
    public static string Human(TimeSpan d)
    {
        if (d < TimeSpan.FromSeconds(-1))
        {
            return "<invalid>";
        }

        if (d < TimeSpan.Zero)
        {
            return "0s";
        }

        var seconds = (long)d.TotalSeconds;
        var minutes = (long)d.TotalMinutes;
        var hours = (long)d.TotalHours;
        var days = (long)d.TotalDays;
        var years = days / 365;
        static string S(long n) => n.ToString(CultureInfo.InvariantCulture);

        if (seconds < 120)
        {
            return S(seconds) + "s";
        }

        if (minutes < 10)
        {
            return seconds % 60 == 0 ? S(minutes) + "m" : $"{S(minutes)}m{S(seconds % 60)}s";
        }

        if (minutes < 180)
        {
            return S(minutes) + "m";
        }

        if (hours < 8)
        {
            return minutes % 60 == 0 ? S(hours) + "h" : $"{S(hours)}h{S(minutes % 60)}m";
        }

        if (hours < 48)
        {
            return S(hours) + "h";
        }

        if (hours < 192)
        {
            return hours % 24 == 0 ? S(days) + "d" : $"{S(days)}d{S(hours % 24)}h";
        }

        if (days < 365 * 2)
        {
            return S(days) + "d";
        }

        if (days < 365 * 8)
        {
            return days % 365 == 0 ? S(years) + "y" : $"{S(years)}y{S(days % 365)}d";
        }

        return S(years) + "y";
    }

    /// <summary>A Kubernetes timestamp (UTC, whatever its Kind says) as an offset.</summary>
    public static DateTimeOffset? Utc(DateTime? time) =>
        time is null ? null : new DateTimeOffset(DateTime.SpecifyKind(time.Value, DateTimeKind.Utc));
}
