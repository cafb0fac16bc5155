using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LocalKube.Node.Controllers.Shared;

/// <summary>
/// JSON as Go's <c>json.Marshal</c> writes a <c>map[string]interface{}</c>: compact, keys sorted bytewise, and
/// <c>&lt; &gt; &amp;</c> escaped. ControllerRevision data is written this way upstream, and kubectl compares
/// those bytes when it decides whether a rollback is a no-op.
/// </summary>
public static class SortedJson
{
    /// <summary>The Go encoding of <paramref name="node"/>.</summary>
    public static string Write(JsonNode? node)
    {
        var sb = new StringBuilder();
        Append(sb, node);
        return sb.ToString();
    }

    /// <summary>The Go encoding of a JSON text (for comparing stored data whatever its key order).</summary>
    public static string Canonical(string json) => Write(JsonNode.Parse(json));

    private static void Append(StringBuilder sb, JsonNode? node)
    {
        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject obj:
                sb.Append('{');
                var first = true;
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (!first)
                    {
                        sb.Append(',');
                    }

                    first = false;
                    AppendString(sb, key);
                    sb.Append(':');
                    Append(sb, value);
                }

                sb.Append('}');
                break;
            case JsonArray array:
                sb.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }

                    Append(sb, array[i]);
                }

                sb.Append(']');
                break;
            case JsonValue value:
                AppendValue(sb, value);
                break;
        }
    }

    private static void AppendValue(StringBuilder sb, JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                AppendString(sb, value.GetValue<string>());
                break;
            case JsonValueKind.Number:
                // Go decodes numbers into float64 and prints integers without a fraction.
                sb.Append(value.TryGetValue<long>(out var l) ? l.ToString(CultureInfo.InvariantCulture) : value.GetValue<double>().ToString("R", CultureInfo.InvariantCulture));
                break;
            case JsonValueKind.True:
                sb.Append("true");
                break;
            case JsonValueKind.False:
                sb.Append("false");
                break;
            default:
                sb.Append("null");
                break;
        }
    }

    private static void AppendString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                case '<' or '>' or '&' or '\u2028' or '\u2029':
                    sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }
}
