using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace LocalKube.Node.ApiServer.OpenApi;

/// <summary>
/// The YAML text gnostic stores in an <c>Any</c>: its compiler re-marshals the parsed JSON value with go-yaml v3 after
/// clearing the flow style, so block style with four-space indentation, keys in document order, strings plain unless
/// they would read as something else, flow <c>{}</c>/<c>[]</c> for empty collections. Clients read it back with a YAML
/// parser, so what matters is that it means the same value.
/// </summary>
internal static class YamlText
{
    private const int Indent = 4;

    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~", ".nan", ".inf", "-.inf", "+.inf",
    };

    private static readonly JsonSerializerOptions Escaping = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The YAML document (ending in a newline) of a JSON value.</summary>
    public static string Of(JsonElement value)
    {
        var text = new StringBuilder();
        if (IsBlock(value))
        {
            Block(text, value, 0);
        }
        else
        {
            text.Append(Scalar(value)).Append('\n');
        }

        return text.ToString();
    }

    private static bool IsBlock(JsonElement value) =>
        (value.ValueKind == JsonValueKind.Object && value.EnumerateObject().Any())
        || (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0);

    private static void Block(StringBuilder text, JsonElement value, int indent)
    {
        var first = true;
        if (value.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in value.EnumerateObject())
            {
                // The first key of a mapping inside a sequence item shares the "- " line.
                if (!first || text.Length == 0 || text[^1] == '\n')
                {
                    text.Append(' ', indent);
                }

                first = false;
                text.Append(String(property.Name)).Append(':');
                Child(text, property.Value, indent + Indent);
            }

            return;
        }

        foreach (var item in value.EnumerateArray())
        {
            if (!first || text.Length == 0 || text[^1] == '\n')
            {
                text.Append(' ', indent);
            }

            first = false;
            text.Append("- ");
            if (item.ValueKind == JsonValueKind.Object && IsBlock(item))
            {
                Block(text, item, indent + 2);
            }
            else if (IsBlock(item))
            {
                text.Append('\n');
                Block(text, item, indent + Indent);
            }
            else
            {
                text.Append(Scalar(item)).Append('\n');
            }
        }
    }

    private static void Child(StringBuilder text, JsonElement value, int indent)
    {
        if (IsBlock(value))
        {
            text.Append('\n');
            Block(text, value, indent);
        }
        else
        {
            text.Append(' ').Append(Scalar(value)).Append('\n');
        }
    }

    private static string Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => String(value.GetString()!),
        JsonValueKind.Object => "{}",
        JsonValueKind.Array => "[]",
        JsonValueKind.Null => "null",
        _ => value.GetRawText(),
    };

    private static string String(string value) =>
        IsPlain(value) ? value : JsonSerializer.Serialize(value, Escaping);

    /// <summary>Whether the string can be written unquoted and still read back as this string.</summary>
    private static bool IsPlain(string value)
    {
        if (value.Length == 0 || Reserved.Contains(value) || value[0] is ' ' or '-' or '.' || value[^1] == ' ')
        {
            return false;
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _) || value.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is ' ' or '-' or '.' or '_' or '/' or '(' or ')' or ',' or '=' or '+'))
            {
                return false;
            }
        }

        return true;
    }
}
