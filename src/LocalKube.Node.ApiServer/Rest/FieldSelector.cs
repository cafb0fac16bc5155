using System.Text;

namespace LocalKube.Node.ApiServer.Rest;

/// <summary>
/// A parsed field selector: terms <c>field=value</c>, <c>field==value</c> or <c>field!=value</c>, comma-separated and
/// ANDed, with <c>\</c> escaping <c>,</c>, <c>=</c> and <c>\</c> in values (apimachinery <c>pkg/fields/selector.go</c>).
/// The fields a kind supports come from its strategy's <c>SelectableFields</c>.
/// </summary>
public sealed class FieldSelector
{
    private readonly List<(string Field, bool Equal, string Value)> _terms;

    private FieldSelector(List<(string, bool, string)> terms) => _terms = terms;

    /// <summary>The selector that matches everything.</summary>
    public static FieldSelector Everything { get; } = new([]);

    /// <summary>Whether it matches everything.</summary>
    public bool IsEmpty => _terms.Count == 0;

    /// <summary>The value a term requires for <paramref name="field"/> with <c>=</c>, if any (e.g. <c>metadata.name</c> for a point read).</summary>
    public string? RequiredValue(string field) => _terms.FirstOrDefault(t => t.Equal && t.Field == field).Value;

    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <exception cref="StatusException">400 BadRequest with upstream's message.</exception>
    public static FieldSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var terms = new List<(string, bool, string)>();
        foreach (var term in Split(text, ','))
        {
            if (term.Length == 0)
            {
                continue;
            }

            var (field, op, raw) = SplitTerm(term) ?? throw StatusException.BadRequest($"invalid selector: '{text}'; can't understand '{term}'");
            terms.Add((field.Trim(), op != "!=", Unescape(raw, text)));
        }

        return new FieldSelector(terms);
    }

    /// <summary>
    /// Checks every field against what the kind supports (<paramref name="supported"/>, from a sample object).
    /// </summary>
    /// <exception cref="StatusException">400 <c>field label not supported: x</c>.</exception>
    public void Validate(IEnumerable<string> supported)
    {
        var known = supported as ICollection<string> ?? supported.ToHashSet();
        foreach (var (field, _, _) in _terms)
        {
            if (!known.Contains(field))
            {
                throw StatusException.BadRequest($"field label not supported: {field}");
            }
        }
    }

    /// <summary>Whether <paramref name="fields"/> satisfy every term (a missing field counts as an empty value).</summary>
    public bool Matches(IReadOnlyDictionary<string, string> fields)
    {
        foreach (var (field, equal, value) in _terms)
        {
            var actual = fields.TryGetValue(field, out var v) ? v : "";
            if ((actual == value) != equal)
            {
                return false;
            }
        }

        return true;
    }

    private static IEnumerable<string> Split(string text, char separator)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == separator)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }

        yield return text[start..];
    }

    private static (string Field, string Op, string Value)? SplitTerm(string term)
    {
        for (var i = 0; i < term.Length; i++)
        {
            if (term[i] == '\\')
            {
                i++;
                continue;
            }

            foreach (var op in new[] { "!=", "==", "=" })
            {
                if (string.CompareOrdinal(term, i, op, 0, op.Length) == 0)
                {
                    return (term[..i], op, term[(i + op.Length)..]);
                }
            }
        }

        return null;
    }

    private static string Unescape(string raw, string text)
    {
        var builder = new StringBuilder(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] != '\\')
            {
                builder.Append(raw[i]);
                continue;
            }

            if (i + 1 >= raw.Length || raw[i + 1] is not (',' or '=' or '\\'))
            {
                throw StatusException.BadRequest($"invalid field selector: '{text}': invalid escape sequence: {raw}");
            }

            builder.Append(raw[++i]);
        }

        return builder.ToString();
    }
}
