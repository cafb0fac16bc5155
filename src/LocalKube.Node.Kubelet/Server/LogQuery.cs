using System.Globalization;
using System.Text.RegularExpressions;
using LocalKube.Node.Kubelet.Runtime;
using Microsoft.AspNetCore.Http;

namespace LocalKube.Node.Kubelet.Server;

/// <summary>
/// The query of <c>/containerLogs</c> read as upstream's kubelet reads it: decoded into a v1 <c>PodLogOptions</c> by
/// the parameter codec (the first value of each name; a flag is true unless it is <c>0</c> or <c>false</c>; integers
/// as Go's <c>strconv.ParseInt</c>; <c>sinceTime</c> as RFC 3339; the legacy <c>tail</c>), then validated. A value
/// that does not decode is a 400 and one that is out of range a 422, with upstream's texts.
/// </summary>
internal sealed partial record LogQuery(LogOptions Options, long? LimitBytes, bool Timestamps, bool Previous, int Status = 200, string? Error = null)
{
    /// <summary>The options of <paramref name="query"/>, or a refusal (<see cref="Status"/> and <see cref="Error"/>).</summary>
    public static LogQuery Parse(IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var tailText = First(query, "tailLines");
        if (First(query, "tail") is { Length: > 0 } legacy)
        {
            tailText = legacy == "all" ? null : legacy;
        }

        var sinceText = First(query, "sinceSeconds");
        var limitText = First(query, "limitBytes");
        var timeText = First(query, "sinceTime");
        var decoded = TryInt64(sinceText, out var sinceSeconds);
        var field = decoded ? null : "sinceSeconds";
        if (!TryInt64(tailText, out var tailLines) && decoded)
        {
            (decoded, field) = (false, "tailLines");
        }

        if (!TryInt64(limitText, out var limitBytes) && decoded)
        {
            (decoded, field) = (false, "limitBytes");
        }

        if (!TryTime(timeText, out var sinceTimeSet, out var sinceTime) && decoded)
        {
            (decoded, field) = (false, "sinceTime");
        }

        if (!decoded)
        {
            var value = field switch { "sinceSeconds" => sinceText, "tailLines" => tailText, "limitBytes" => limitText, _ => timeText };
            return Refused(400, $"Unable to decode query: {field}: \"{value}\" is not {(field == "sinceTime" ? "an RFC 3339 time" : "an integer")}");
        }

        // ValidatePodLogOptions, with its field errors.
        var invalid = new List<string>();
        if (tailLines < 0)
        {
            invalid.Add($"tailLines: Invalid value: {tailLines}: must be greater than or equal to 0");
        }

        if (limitBytes < 1)
        {
            invalid.Add($"limitBytes: Invalid value: {limitBytes}: must be greater than 0");
        }

        if (sinceSeconds is not null && sinceTimeSet)
        {
            invalid.Add("[]: Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified");
        }
        else if (sinceSeconds < 1)
        {
            invalid.Add($"sinceSeconds: Invalid value: {sinceSeconds}: must be greater than 0");
        }

        if (invalid.Count > 0)
        {
            return Refused(422, "Invalid request: " + (invalid.Count == 1 ? invalid[0] : "[" + string.Join(", ", invalid) + "]"));
        }

        // Without the PodLogsQuerySplitStreams gate (alpha, off) only the default stream can be read.
        if (First(query, "stream") is { } stream && stream != "All")
        {
            return Refused(400,
                $"unable to return the given log stream: \"{stream}\". Please enable PodLogsQuerySplitStreams feature gate in kubelet");
        }

        var since = sinceTime;
        if (sinceSeconds is { } seconds)
        {
            // Beyond year 1 (Go's duration arithmetic would wrap): the whole log.
            var now = DateTimeOffset.UtcNow;
            since = seconds < (now - DateTimeOffset.MinValue).TotalSeconds - 1 ? now.AddSeconds(-seconds) : null;
        }

        var options = new LogOptions(Flag(query, "follow"), since, tailLines is { } n ? (int)Math.Min(n, int.MaxValue) : null);
        return new LogQuery(options, limitBytes, Flag(query, "timestamps"), Flag(query, "previous"));
    }

    private static LogQuery Refused(int status, string error) => new(new LogOptions(), null, false, false, status, error);

    private static string? First(IQueryCollection query, string name) => query.TryGetValue(name, out var values) && values.Count > 0 ? values[0] ?? "" : null;

    // runtime.Convert_Slice_string_To_bool: present and not "0" or "false" (any case) is true, "" included.
    private static bool Flag(IQueryCollection query, string name) =>
        First(query, name) is { } value && value != "0" && !value.Equals("false", StringComparison.OrdinalIgnoreCase);

    // strconv.ParseInt(s, 10, 64): an optional sign and decimal digits, nothing else, within range.
    private static bool TryInt64(string? text, out long? value)
    {
        value = null;
        if (text is null)
        {
            return true;
        }

        if (!IntegerPattern().IsMatch(text) || !long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
        {
            return false;
        }

        value = parsed;
        return true;
    }

    // metav1.Time's query form: "" and "null" are the zero time (set, but no bound); otherwise time.RFC3339.
    private static bool TryTime(string? text, out bool set, out DateTimeOffset? time)
    {
        set = text is not null;
        time = null;
        if (text is null or "" or "null")
        {
            return true;
        }

        var match = Rfc3339Pattern().Match(text);
        if (!match.Success)
        {
            return false;
        }

        int Part(int group) => int.Parse(match.Groups[group].ValueSpan, CultureInfo.InvariantCulture);
        var (year, month, day, hour, minute, second) = (Part(1), Part(2), Part(3), Part(4), Part(5), Part(6));
        var offset = TimeSpan.Zero;
        if (match.Groups[8].Value != "Z")
        {
            var (oh, om) = (int.Parse(match.Groups[8].ValueSpan[1..3], CultureInfo.InvariantCulture), int.Parse(match.Groups[8].ValueSpan[4..], CultureInfo.InvariantCulture));
            if (oh > 23 || om > 59)
            {
                return false;
            }

            offset = new TimeSpan(oh, om, 0) * (match.Groups[8].Value[0] == '-' ? -1 : 1);
        }

        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Max(1, year), month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        if (year == 0)
        {
            // Go has a year 0; .NET does not. Before year 1 is before every log line.
            time = DateTimeOffset.MinValue;
            return true;
        }

        var fraction = match.Groups[7].Value is { Length: > 1 } f ? f[1..Math.Min(f.Length, 8)].PadRight(7, '0') : "0";
        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(long.Parse(fraction, CultureInfo.InvariantCulture));
        var utcTicks = local.Ticks - offset.Ticks;
        time = utcTicks < DateTime.MinValue.Ticks ? DateTimeOffset.MinValue
            : utcTicks > DateTime.MaxValue.Ticks ? DateTimeOffset.MaxValue
            : new DateTimeOffset(utcTicks, TimeSpan.Zero);
        return true;
    }

    [GeneratedRegex("^[+-]?[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339Pattern();
}
