using System.Globalization;
using Cronos;

namespace LocalKube.Node.Controllers.CronJob;

/// <summary>
/// A CronJob schedule as upstream reads it (<c>robfig/cron/v3 ParseStandard</c> with <c>TZ=</c>): five fields or an
/// <c>@</c> macro, next times computed by Cronos in the schedule's zone; <c>@every &lt;duration&gt;</c> too.
/// When both day-of-month and day-of-week are restricted, either one matching is enough (robfig's rule: a field
/// counts as unrestricted only when it is <c>*</c> or <c>?</c>, with no step above 1).
/// </summary>
public sealed class CronSchedule
{
    private readonly CronExpression[] _expressions;
    private readonly TimeSpan? _every;
    private readonly TimeZoneInfo _zone;

    private CronSchedule(CronExpression[] expressions, TimeSpan? every, TimeZoneInfo zone)
    {
        _expressions = expressions;
        _every = every;
        _zone = zone;
    }

    /// <summary>The zone the schedule is read in.</summary>
    public TimeZoneInfo Zone => _zone;

    /// <summary>
    /// Parses <paramref name="schedule"/>, read in <paramref name="zone"/> unless it starts with <c>TZ=</c> or
    /// <c>CRON_TZ=</c>. Throws <see cref="FormatException"/> with the reason.
    /// </summary>
    public static CronSchedule Parse(string schedule, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(zone);
        var spec = schedule.Trim();
        if (spec.StartsWith("TZ=", StringComparison.Ordinal) || spec.StartsWith("CRON_TZ=", StringComparison.Ordinal))
        {
            var space = spec.IndexOf(' ', StringComparison.Ordinal);
            if (space < 0)
            {
                throw new FormatException($"provided bad location {spec}: missing schedule");
            }

            var name = spec[(spec.IndexOf('=', StringComparison.Ordinal) + 1)..space];
            zone = FindZone(name) ?? throw new FormatException($"provided bad location {name}: unknown time zone {name}");
            spec = spec[(space + 1)..].Trim();
        }

        if (spec.StartsWith("@every ", StringComparison.Ordinal))
        {
            var every = GoDuration(spec["@every ".Length..].Trim());
            // robfig rounds below a second up to a second.
            return new CronSchedule([], every < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : every, zone);
        }

        if (spec.StartsWith('@'))
        {
            var macro = spec switch
            {
                "@yearly" or "@annually" => "0 0 1 1 *",
                "@monthly" => "0 0 1 * *",
                "@weekly" => "0 0 * * 0",
                "@daily" or "@midnight" => "0 0 * * *",
                "@hourly" => "0 * * * *",
                _ => throw new FormatException($"unrecognized descriptor: {spec}"),
            };
            return new CronSchedule([CronExpression.Parse(macro)], null, zone);
        }

        var fields = spec.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 5)
        {
            throw new FormatException($"expected exactly 5 fields, found {fields.Length}: {spec}");
        }

        try
        {
            if (IsRestricted(fields[2]) && IsRestricted(fields[4]))
            {
                // Either field may match: two expressions, the earlier occurrence wins.
                return new CronSchedule(
                    [
                        CronExpression.Parse($"{fields[0]} {fields[1]} {fields[2]} {fields[3]} *"),
                        CronExpression.Parse($"{fields[0]} {fields[1]} * {fields[3]} {fields[4]}"),
                    ], null, zone);
            }

            return new CronSchedule([CronExpression.Parse(spec)], null, zone);
        }
        catch (CronFormatException e)
        {
            throw new FormatException(e.Message, e);
        }
    }

    /// <summary>A time zone by IANA name ("" is UTC, as Go's LoadLocation); null when unknown.</summary>
    public static TimeZoneInfo? FindZone(string name)
    {
        if (name.Length == 0 || name == "UTC")
        {
            return TimeZoneInfo.Utc;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(name);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return null;
        }
    }

    /// <summary>The first activation strictly after <paramref name="after"/> (UTC), or null when there is none.</summary>
    public DateTime? Next(DateTime after)
    {
        var utc = DateTime.SpecifyKind(after.ToUniversalTime(), DateTimeKind.Utc);
        if (_every is { } every)
        {
            // robfig: t + delay − t's sub-second part.
            return utc.AddTicks(-(utc.Ticks % TimeSpan.TicksPerSecond)) + every;
        }

        DateTime? best = null;
        foreach (var e in _expressions)
        {
            if (e.GetNextOccurrence(utc, _zone, inclusive: false) is { } next && (best is null || next < best))
            {
                best = next;
            }
        }

        return best;
    }

    // robfig sets its "star" bit for * and ? alone, or with a step of 1.
    private static bool IsRestricted(string field)
    {
        var parts = field.Split('/');
        var star = parts[0] is "*" or "?";
        var step = parts.Length == 2 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 1;
        return !(star && step <= 1);
    }

    // Go's time.ParseDuration for the units cron schedules use.
    private static TimeSpan GoDuration(string text)
    {
        var total = TimeSpan.Zero;
        var i = 0;
        if (text.Length == 0)
        {
            throw new FormatException($"failed to parse duration @every {text}: time: invalid duration \"{text}\"");
        }

        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
            {
                i++;
            }

            var unitStart = i;
            while (i < text.Length && !char.IsAsciiDigit(text[i]) && text[i] != '.')
            {
                i++;
            }

            if (!double.TryParse(text.AsSpan(start, unitStart - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            {
                throw new FormatException($"failed to parse duration @every {text}: time: invalid duration \"{text}\"");
            }

            total += text[unitStart..i] switch
            {
                "ns" => TimeSpan.FromTicks((long)(value / 100)),
                "us" or "µs" => TimeSpan.FromTicks((long)(value * 10)),
                "ms" => TimeSpan.FromMilliseconds(value),
                "s" => TimeSpan.FromSeconds(value),
                "m" => TimeSpan.FromMinutes(value),
                "h" => TimeSpan.FromHours(value),
                _ => throw new FormatException($"failed to parse duration @every {text}: time: unknown unit in duration \"{text}\""),
            };
        }

        return total;
    }
}
