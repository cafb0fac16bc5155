using System.Text.Json;

namespace LocalKube.Testing;

/// <summary>
/// What the fake node agent logs, shared by the POSIX sh fake agent that real drivers run
/// (<c>FakeAgentBundle</c> in the conformance project) and by <see cref="SimulatedAgent"/> that
/// <see cref="FakeDriver"/> runs in memory. The conformance suite only looks at the agent through these messages,
/// read back with <c>IDriver.ReadAgentLogAsync</c>, so the same assertions hold for a real process and for the fake.
/// </summary>
public static class FakeAgentProtocol
{
    /// <summary>The log category of every fake agent line.</summary>
    public const string Category = "fake-agent";

    /// <summary>Logged once the pid file is written: <c>started pid=&lt;pid&gt;</c>.</summary>
    public const string StartedPrefix = "started pid=";

    /// <summary>Logged once per argument after <c>run</c>, in order: <c>arg: &lt;value&gt;</c>.</summary>
    public const string ArgumentPrefix = "arg: ";

    /// <summary>
    /// Logged once per file in the certificate folder: <c>file: &lt;name&gt; mode=&lt;ls -l mode&gt; content=&lt;content
    /// without newlines&gt;</c>.
    /// </summary>
    public const string FilePrefix = "file: ";

    /// <summary>Logged at every start with the number of starts that the data folder has seen: <c>boot: &lt;n&gt;</c>.</summary>
    public const string BootPrefix = "boot: ";

    /// <summary>Logged by the SIGTERM handler before a clean exit.</summary>
    public const string Stopped = "stopped";

    /// <summary>Logged by an agent made to ignore SIGTERM, each time it gets one.</summary>
    public const string IgnoringTerm = "ignoring TERM";

    /// <summary>The data file that counts boots, relative to <c>--data-dir</c>.</summary>
    public const string BootCounterFile = "fake-agent.boots";

    /// <summary>The log file relative to <c>--data-dir</c> (the agent contract).</summary>
    public const string LogFile = "logs/agent.log";

    /// <summary>Formats one log line the way the agent contract describes (JSON object per line).</summary>
    public static string FormatLine(DateTimeOffset time, string message) =>
        JsonSerializer.Serialize(new LogLine(
            time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            "Information",
            Category,
            0,
            message,
            null));

    /// <summary>Reads the <c>message</c> of a JSON log line; throws <see cref="FormatException"/> when it is not one.</summary>
    public static string ParseMessage(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("message", out var message)
                && message.ValueKind == JsonValueKind.String)
            {
                return message.GetString()!;
            }
        }
        catch (JsonException e)
        {
            throw new FormatException($"Not a JSON log line: {line}", e);
        }

        throw new FormatException($"A log line without a string 'message': {line}");
    }

    /// <summary>Renders a Unix file mode like the first column of <c>ls -l</c> for a regular file.</summary>
    public static string FormatMode(UnixFileMode mode)
    {
        Span<char> text = stackalloc char[10];
        text[0] = '-';
        ReadOnlySpan<(UnixFileMode Flag, char Letter)> bits =
        [
            (UnixFileMode.UserRead, 'r'), (UnixFileMode.UserWrite, 'w'), (UnixFileMode.UserExecute, 'x'),
            (UnixFileMode.GroupRead, 'r'), (UnixFileMode.GroupWrite, 'w'), (UnixFileMode.GroupExecute, 'x'),
            (UnixFileMode.OtherRead, 'r'), (UnixFileMode.OtherWrite, 'w'), (UnixFileMode.OtherExecute, 'x'),
        ];
        for (var i = 0; i < bits.Length; i++)
        {
            text[i + 1] = (mode & bits[i].Flag) != 0 ? bits[i].Letter : '-';
        }

        return new string(text);
    }

    private sealed record LogLine(
        [property: System.Text.Json.Serialization.JsonPropertyName("time")] string Time,
        [property: System.Text.Json.Serialization.JsonPropertyName("level")] string Level,
        [property: System.Text.Json.Serialization.JsonPropertyName("category")] string Category,
        [property: System.Text.Json.Serialization.JsonPropertyName("eventId")] int EventId,
        [property: System.Text.Json.Serialization.JsonPropertyName("message")] string Message,
        [property: System.Text.Json.Serialization.JsonPropertyName("exception")] string? Exception);
}
