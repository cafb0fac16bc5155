using System.Globalization;
using System.Text;
using k8s.Models;

namespace LocalKube.Node.ApiServer.Catalog.Validation;

/// <summary>
/// Renders a bad value the way upstream's field errors print it (Go's <c>%v</c> for numbers and booleans,
/// <c>%q</c> for strings, <c>%#v</c>-like for the few structured values we report), so messages read identically.
/// </summary>
public static class GoValue
{
    /// <summary>A value that is already rendered and must be printed as is.</summary>
    public sealed record Verbatim(string Text);

    /// <summary>Formats <paramref name="value"/> for an "Invalid value: ..." message.</summary>
    public static string Format(object? value) => value switch
    {
        null => "null",
        Verbatim v => v.Text,
        string s => Quote(s),
        bool b => b ? "true" : "false",
        int or long or short or uint or ulong => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IntOrString ios => IntOrStringLiteral(ios),
        IDictionary<string, string> map => MapLiteral(map),
        IEnumerable<string> list => "[]string{" + string.Join(", ", list.Select(Quote)) + "}",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "null",
    };

    /// <summary>Go's <c>%q</c>: a double-quoted string with Go escapes; null is Go's zero string, <c>""</c>.</summary>
    public static string Quote(string? s)
    {
        s ??= "";
        var sb = new StringBuilder(s.Length + 2).Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (char.IsControl(c))
                    {
                        sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }

    /// <summary>Go's <c>%#v</c> of a <c>map[string]string</c>, keys sorted as Go's fmt sorts them.</summary>
    public static string MapLiteral(IDictionary<string, string>? map) =>
        map is null
            ? "map[string]string(nil)"
            : "map[string]string{" + string.Join(", ", map.OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => $"{Quote(kv.Key)}:{Quote(kv.Value)}")) + "}";

    /// <summary>Go's <c>%#v</c> of an <c>intstr.IntOrString</c> (it has no value-receiver Stringer).</summary>
    public static string IntOrStringLiteral(IntOrString ios)
    {
        var isInt = int.TryParse(ios.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n);
        return isInt
            ? $"intstr.IntOrString{{Type:0, IntVal:{n}, StrVal:\"\"}}"
            : $"intstr.IntOrString{{Type:1, IntVal:0, StrVal:{Quote(ios.Value ?? "")}}}";
    }
}

/// <summary>Go literals of the label selector types, as immutable-field messages print them.</summary>
public static class GoSelector
{
    /// <summary><c>v1.LabelSelector{MatchLabels:..., MatchExpressions:...}</c>, or <c>null</c>.</summary>
    public static GoValue.Verbatim Literal(V1LabelSelector? selector)
    {
        if (selector is null)
        {
            return new GoValue.Verbatim("null");
        }

        var exprs = selector.MatchExpressions is null
            ? "[]v1.LabelSelectorRequirement(nil)"
            : "[]v1.LabelSelectorRequirement{" + string.Join(", ", selector.MatchExpressions.Select(e =>
                $"v1.LabelSelectorRequirement{{Key:{GoValue.Quote(e.Key ?? "")}, Operator:{GoValue.Quote(e.OperatorProperty ?? "")}, Values:" +
                (e.Values is null ? "[]string(nil)" : "[]string{" + string.Join(", ", e.Values.Select(GoValue.Quote)) + "}") + "}")) + "}";
        return new GoValue.Verbatim($"v1.LabelSelector{{MatchLabels:{GoValue.MapLiteral(selector.MatchLabels)}, MatchExpressions:{exprs}}}");
    }
}
