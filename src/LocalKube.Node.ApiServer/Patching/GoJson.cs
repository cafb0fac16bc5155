using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace LocalKube.Node.ApiServer.Patching;

/// <summary>
/// Go's wording for JSON problems. Upstream decodes patch bodies with Go's encoding/json (sigs.k8s.io/json), whose
/// syntax and type errors reach clients verbatim ("invalid character 'x' looking for beginning of value"), and
/// formats values in its patch errors with <c>%v</c> (<c>map[name:a]</c>). This reproduces both.
/// </summary>
public static class GoJson
{
    /// <summary>The error Go's decoder reports for malformed <paramref name="json"/>, or null when it is well-formed.</summary>
    public static string? SyntaxError(ReadOnlySpan<byte> json) => Rest.GoJsonSyntax.Describe(json);

    /// <summary>Go's name of a JSON value's type in "cannot unmarshal X into ..." messages.</summary>
    public static string Kind(JsonNode? node) => node switch
    {
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => "string",
        JsonValue v when v.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => "bool",
        JsonValue => "number",
        _ => "null",
    };

    /// <summary><c>json: cannot unmarshal object into Go value of type T</c>.</summary>
    public static string CannotUnmarshal(JsonNode? node, string goType) => $"json: cannot unmarshal {Kind(node)} into Go value of type {goType}";

    /// <summary>The Go type name reflect prints for a decoded JSON value (<c>map[string]interface {}</c>...).</summary>
    public static string TypeName(JsonNode? node) => node switch
    {
        JsonObject => "map[string]interface {}",
        JsonArray => "[]interface {}",
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => "string",
        JsonValue v when v.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => "bool",
        JsonValue v => IsInteger(v) ? "int64" : "float64",
        _ => "%!s(<nil>)",
    };

    /// <summary>Formats a decoded JSON value as Go's <c>%v</c> does (maps with sorted keys, slices space-separated).</summary>
    public static string Format(JsonNode? node)
    {
        var sb = new StringBuilder();
        Format(sb, node);
        return sb.ToString();
    }

    /// <summary>Formats several lists as Go's <c>fmt.Sprint</c> of a slice of slices.</summary>
    public static string Format(IEnumerable<IEnumerable<JsonNode?>> lists)
    {
        var sb = new StringBuilder("[");
        var first = true;
        foreach (var list in lists)
        {
            if (!first)
            {
                sb.Append(' ');
            }

            first = false;
            FormatList(sb, list);
        }

        return sb.Append(']').ToString();
    }

    /// <summary>Whether a number is written as an integer (Go decodes it as int64 then).</summary>
    public static bool IsInteger(JsonValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = value.ToJsonString();
        return text.IndexOfAny(['.', 'e', 'E']) < 0 && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);
    }

    private static void Format(StringBuilder sb, JsonNode? node)
    {
        switch (node)
        {
            case null:
                sb.Append("<nil>");
                break;
            case JsonObject obj:
                sb.Append("map[");
                var first = true;
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (!first)
                    {
                        sb.Append(' ');
                    }

                    first = false;
                    sb.Append(key).Append(':');
                    Format(sb, value);
                }

                sb.Append(']');
                break;
            case JsonArray array:
                FormatList(sb, array);
                break;
            case JsonValue value:
                switch (value.GetValueKind())
                {
                    case System.Text.Json.JsonValueKind.String:
                        sb.Append(value.GetValue<string>());
                        break;
                    case System.Text.Json.JsonValueKind.True:
                        sb.Append("true");
                        break;
                    case System.Text.Json.JsonValueKind.False:
                        sb.Append("false");
                        break;
                    default:
                        sb.Append(FormatNumber(value));
                        break;
                }

                break;
        }
    }

    private static void FormatList(StringBuilder sb, IEnumerable<JsonNode?> items)
    {
        sb.Append('[');
        var first = true;
        foreach (var item in items)
        {
            if (!first)
            {
                sb.Append(' ');
            }

            first = false;
            Format(sb, item);
        }

        sb.Append(']');
    }

    private static string FormatNumber(JsonValue value)
    {
        if (IsInteger(value))
        {
            return value.ToJsonString();
        }

        var d = double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
        var exponent = d == 0 ? 0 : (int)Math.Floor(Math.Log10(Math.Abs(d)));
        if (exponent is < -4 or >= 21)
        {
            // Go's %v uses %g with the shortest representation: 1e+21, 1.5e-05.
            var s = d.ToString("E16", CultureInfo.InvariantCulture);
            var r = d.ToString("R", CultureInfo.InvariantCulture);
            var mantissa = r.Contains('E', StringComparison.Ordinal) ? r[..r.IndexOf('E', StringComparison.Ordinal)] : s[..s.IndexOf('E', StringComparison.Ordinal)].TrimEnd('0').TrimEnd('.');
            return $"{mantissa}e{(exponent < 0 ? "-" : "+")}{Math.Abs(exponent):00}";
        }

        return d.ToString("R", CultureInfo.InvariantCulture);
    }
}
