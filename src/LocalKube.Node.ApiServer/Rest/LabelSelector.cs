using System.Globalization;
using LocalKube.Node.ApiServer.Validation;

namespace LocalKube.Node.ApiServer.Rest;

/// <summary>
/// A parsed label selector with every upstream operator (<c>=</c>, <c>==</c>, <c>!=</c>, <c>in</c>, <c>notin</c>,
/// exists, <c>!</c>, <c>&gt;</c>, <c>&lt;</c>), parsed with upstream's grammar and error texts
/// (apimachinery <c>pkg/labels/selector.go</c>). Terms are ANDed.
/// </summary>
public sealed class LabelSelector
{
    private static readonly string[] BinaryOperators = ["in", "notin", "=", "==", "!=", "gt", "lt"];
    private readonly List<Requirement> _requirements;

    private LabelSelector(List<Requirement> requirements) => _requirements = requirements;

    /// <summary>The selector that matches everything.</summary>
    public static LabelSelector Everything { get; } = new([]);

    /// <summary>Whether it matches everything.</summary>
    public bool IsEmpty => _requirements.Count == 0;

    /// <summary>Parses <paramref name="text"/>; a syntax or validation error is a 400 with upstream's message.</summary>
    /// <exception cref="StatusException">400 BadRequest.</exception>
    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        try
        {
            return new LabelSelector(new Parser(Lex(text)).ParseAll());
        }
        catch (FormatException e)
        {
            throw StatusException.BadRequest(e.Message);
        }
    }

    /// <summary>Whether <paramref name="labels"/> satisfy every requirement.</summary>
    public bool Matches(IDictionary<string, string>? labels)
    {
        foreach (var r in _requirements)
        {
            string? value = null;
            var has = labels is not null && labels.TryGetValue(r.Key, out value);
            var ok = r.Op switch
            {
                "=" or "==" or "in" => has && r.Values.Contains(value ?? ""),
                "!=" or "notin" => !has || !r.Values.Contains(value ?? ""),
                "exists" => has,
                "!" => !has,
                "gt" => has && long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var g) && g > long.Parse(r.Values[0], CultureInfo.InvariantCulture),
                "lt" => has && long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) && l < long.Parse(r.Values[0], CultureInfo.InvariantCulture),
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static List<(char Kind, string Text)> Lex(string text)
    {
        // Kinds: 'i' identifier, 'o' operator/symbol, 'e' end.
        var tokens = new List<(char, string)>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c is '!' or '=' && i + 1 < text.Length && text[i + 1] == '=')
            {
                tokens.Add(('o', text.Substring(i, 2)));
                i += 2;
            }
            else if (c is '!' or '=' or '(' or ')' or ',' or '<' or '>')
            {
                tokens.Add(('o', c.ToString()));
                i++;
            }
            else
            {
                var start = i;
                while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not ('!' or '=' or '(' or ')' or ',' or '<' or '>'))
                {
                    i++;
                }

                tokens.Add(('i', text[start..i]));
            }
        }

        tokens.Add(('e', ""));
        return tokens;
    }

    private sealed record Requirement(string Key, string Op, List<string> Values);

    private sealed class Parser(List<(char Kind, string Text)> tokens)
    {
        private int _at;

        private (char Kind, string Text) Peek => tokens[_at];

        public List<Requirement> ParseAll()
        {
            var result = new List<Requirement>();
            while (true)
            {
                var t = Peek;
                if (t.Kind == 'e')
                {
                    return result;
                }

                if (!IsIdentifier(t) && t.Text != "!")
                {
                    throw new FormatException($"found '{t.Text}', expected: !, identifier, or 'end of string'");
                }

                result.Add(ParseRequirement());
                t = tokens[_at++];
                if (t.Kind == 'e')
                {
                    return result;
                }

                if (t.Text != ",")
                {
                    throw new FormatException($"found '{t.Text}', expected: ',' or 'end of string'");
                }

                if (!IsIdentifier(Peek) && Peek.Text != "!")
                {
                    throw new FormatException($"found '{Peek.Text}', expected: identifier after ','");
                }
            }
        }

        private static bool IsIdentifier((char Kind, string Text) t) => t.Kind == 'i' && t.Text is not ("in" or "notin");

        private Requirement ParseRequirement()
        {
            string op;
            if (Peek.Text == "!")
            {
                _at++;
                op = "!";
            }
            else
            {
                op = "";
            }

            var keyToken = tokens[_at++];
            if (!IsIdentifier(keyToken))
            {
                throw new FormatException($"found '{keyToken.Text}', expected: identifier");
            }

            var key = keyToken.Text;
            ValidateKey(key);
            if (op == "!")
            {
                return new Requirement(key, "!", []);
            }

            if (Peek.Kind == 'e' || Peek.Text == ",")
            {
                return new Requirement(key, "exists", []);
            }

            var opToken = tokens[_at++];
            op = opToken.Text switch
            {
                "in" or "notin" or "=" or "==" or "!=" => opToken.Text,
                ">" => "gt",
                "<" => "lt",
                _ => throw new FormatException($"found '{opToken.Text}', expected: {string.Join(", ", BinaryOperators)}"),
            };
            var values = op is "in" or "notin" ? ParseSet() : ParseExact();
            if (op is "in" or "notin" && values.Count == 0)
            {
                throw new FormatException("for 'in', 'notin' operators, values set can't be empty");
            }

            if (op is "gt" or "lt" && (values.Count != 1 || !long.TryParse(values[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out _)))
            {
                throw new FormatException(values.Count != 1
                    ? "for 'Gt', 'Lt' operators, exactly one value is required"
                    : $"for 'Gt', 'Lt' operators, the value must be an integer");
            }

            for (var i = 0; i < values.Count && op is not ("gt" or "lt"); i++)
            {
                foreach (var message in NameValidation.LabelValue(values[i]))
                {
                    throw new FormatException($"values[{i}][{key}]: Invalid value: {FieldErrors.Quote(values[i])}: {message}");
                }
            }

            return new Requirement(key, op, values);
        }

        private List<string> ParseSet()
        {
            var open = tokens[_at++];
            if (open.Text != "(")
            {
                throw new FormatException($"found '{open.Text}', expected: '('");
            }

            var values = new List<string>();
            var expectValue = true;
            while (true)
            {
                var t = tokens[_at++];
                if (t.Kind == 'i' && expectValue)
                {
                    values.Add(t.Text);
                    expectValue = false;
                }
                else if (t.Text == ",")
                {
                    // An empty element, as upstream allows: "in (a,)" holds "a" and "".
                    if (expectValue)
                    {
                        values.Add("");
                    }

                    expectValue = true;
                }
                else if (t.Text == ")")
                {
                    if (expectValue && values.Count > 0)
                    {
                        values.Add("");
                    }

                    return values;
                }
                else
                {
                    throw new FormatException($"found '{t.Text}', expected: ',' or ')'");
                }
            }
        }

        private List<string> ParseExact()
        {
            var t = Peek;
            if (t.Kind == 'e' || t.Text == ",")
            {
                return [""];
            }

            _at++;
            if (t.Kind == 'i')
            {
                return [t.Text];
            }

            throw new FormatException($"found '{t.Text}', expected: identifier");
        }

        private static void ValidateKey(string key)
        {
            foreach (var message in NameValidation.QualifiedName(key))
            {
                throw new FormatException($"key: Invalid value: {FieldErrors.Quote(key)}: {message}");
            }
        }
    }
}
