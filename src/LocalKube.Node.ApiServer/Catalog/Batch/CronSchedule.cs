using System.Globalization;
using LocalKube.Node.ApiServer.Catalog.Validation;

namespace LocalKube.Node.ApiServer.Catalog.Batch;

/// <summary>
/// A check of standard 5-field cron schedules and the <c>@</c> descriptors, with the error wording of the parser
/// upstream uses, so an invalid schedule is refused at create time as upstream refuses it.
/// </summary>
public static class CronSchedule
{
    private static readonly (int Min, int Max, Dictionary<string, int>? Names)[] Fields =
    [
        (0, 59, null),
        (0, 23, null),
        (1, 31, null),
        (1, 12, new(StringComparer.OrdinalIgnoreCase) { ["jan"] = 1, ["feb"] = 2, ["mar"] = 3, ["apr"] = 4, ["may"] = 5, ["jun"] = 6, ["jul"] = 7, ["aug"] = 8, ["sep"] = 9, ["oct"] = 10, ["nov"] = 11, ["dec"] = 12 }),
        (0, 6, new(StringComparer.OrdinalIgnoreCase) { ["sun"] = 0, ["mon"] = 1, ["tue"] = 2, ["wed"] = 3, ["thu"] = 4, ["fri"] = 5, ["sat"] = 6 }),
    ];

    /// <summary>Null when <paramref name="schedule"/> parses, else the parser's message.</summary>
    public static string? Check(string schedule)
    {
        var s = schedule.Trim();
        if (s.StartsWith('@'))
        {
            if (s is "@yearly" or "@annually" or "@monthly" or "@weekly" or "@daily" or "@midnight" or "@hourly")
            {
                return null;
            }

            if (s.StartsWith("@every ", StringComparison.Ordinal))
            {
                return null;
            }

            return $"unrecognized descriptor: {s}";
        }

        var parts = s.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 5)
        {
            return $"expected exactly 5 fields, found {parts.Length}: {s}";
        }

        for (var i = 0; i < 5; i++)
        {
            foreach (var expr in parts[i].Split(','))
            {
                if (CheckRange(expr, Fields[i]) is { } error)
                {
                    return error;
                }
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="name"/> is a known IANA time zone.</summary>
    public static bool IsKnownTimeZone(string name)
    {
        if (name.Length == 0 || name == "Local")
        {
            return false;
        }

        try
        {
            _ = TimeZoneInfo.FindSystemTimeZoneById(name);
            return true;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return false;
        }
    }

    private static string? CheckRange(string expr, (int Min, int Max, Dictionary<string, int>? Names) field)
    {
        var stepParts = expr.Split('/');
        if (stepParts.Length > 2)
        {
            return $"too many slashes: {expr}";
        }

        var range = stepParts[0];
        if (range is not ("*" or "?"))
        {
            var bounds = range.Split('-');
            if (bounds.Length > 2)
            {
                return $"too many hyphens: {expr}";
            }

            var values = new List<int>();
            foreach (var b in bounds)
            {
                if (!TryValue(b, field.Names, out var v))
                {
                    return $"failed to parse int from {b}: strconv.Atoi: parsing {GoValue.Quote(b)}: invalid syntax";
                }

                values.Add(v);
            }

            if (values[0] < field.Min)
            {
                return $"beginning of range ({values[0]}) below minimum ({field.Min}): {expr}";
            }

            if (values[^1] > field.Max)
            {
                return $"end of range ({values[^1]}) above maximum ({field.Max}): {expr}";
            }

            if (values[0] > values[^1])
            {
                return $"beginning of range ({values[0]}) beyond end of range ({values[^1]}): {expr}";
            }
        }

        if (stepParts.Length == 2 && (!int.TryParse(stepParts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var step) || step == 0))
        {
            return stepParts[1] == "0" ? $"step of range should be a positive number: {expr}" : $"failed to parse int from {stepParts[1]}: strconv.Atoi: parsing {GoValue.Quote(stepParts[1])}: invalid syntax";
        }

        return null;
    }

    private static bool TryValue(string s, Dictionary<string, int>? names, out int value) =>
        (names is not null && names.TryGetValue(s, out value)) || int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
