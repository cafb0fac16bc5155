using System.Text;
using System.Text.Json;

namespace LocalKube.Cli.Output;

/// <summary>Renders one JSON log line of the agent (docs/design.md) as readable text; other lines pass through.</summary>
public static class AgentLogLine
{
    public static string Render(string line)
    {
        if (!line.StartsWith('{'))
        {
            return line;
        }

        try
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            var text = new StringBuilder();
            text.Append(Get(root, "time")).Append(' ')
                .Append(Level(Get(root, "level"))).Append(' ')
                .Append(Get(root, "category")).Append(": ")
                .Append(Get(root, "message"));
            var exception = Get(root, "exception");
            if (exception.Length > 0)
            {
                text.Append('\n').Append(exception);
            }

            return text.ToString();
        }
        catch (JsonException)
        {
            return line;
        }
    }

    private static string Get(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : "";

    private static string Level(string level) => level switch
    {
        "Trace" => "TRCE",
        "Debug" => "DBUG",
        "Information" => "INFO",
        "Warning" => "WARN",
        "Error" => "FAIL",
        "Critical" => "CRIT",
        _ => level.ToUpperInvariant(),
    };
}
