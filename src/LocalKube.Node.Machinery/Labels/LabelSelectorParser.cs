using System.Globalization;
using LocalKube.Node.Machinery.Validation;

namespace LocalKube.Node.Machinery.Labels;

/// <summary>
/// The <c>labelSelector=</c> grammar with upstream's error texts (apimachinery <c>pkg/labels/selector.go</c>): every
/// operator (<c>=</c>, <c>==</c>, <c>!=</c>, <c>in</c>, <c>notin</c>, exists, <c>!</c>, <c>&gt;</c>, <c>&lt;</c>),
/// keys checked as qualified names and values as label values.
/// </summary>
internal static class LabelSelectorParser
{
    private static readonly string[] BinaryOperators = ["in", "notin", "=", "==", "!=", "gt", "lt"];

    /// <summary>Parses <paramref name="text"/> into requirements.</summary>
    /// <exception cref="FormatException">Upstream's message for the first problem.</exception>
    public static List<LabelRequirement> Parse(string text) => new Parser(Lex(text)).ParseAll();

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

    private sealed class Parser(List<(char Kind, string Text)> tokens)
    {
        private int _at;

        private (char Kind, string Text) Peek => tokens[_at];

        public List<LabelRequirement> ParseAll()
        {
            var result = new List<LabelRequirement>();
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

        private LabelRequirement ParseRequirement()
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
                return new LabelRequirement(key, SelectorOperator.DoesNotExist, []);
            }

            if (Peek.Kind == 'e' || Peek.Text == ",")
            {
                return new LabelRequirement(key, SelectorOperator.Exists, []);
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
                    throw new FormatException($"values[{i}][{key}]: Invalid value: {GoStrings.Quote(values[i])}: {message}");
                }
            }

            return new LabelRequirement(key, op switch
            {
                "in" => SelectorOperator.In,
                "notin" => SelectorOperator.NotIn,
                "=" or "==" => SelectorOperator.Equals,
                "!=" => SelectorOperator.NotEquals,
                "gt" => SelectorOperator.GreaterThan,
                _ => SelectorOperator.LessThan,
            }, values);
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
                throw new FormatException($"key: Invalid value: {GoStrings.Quote(key)}: {message}");
            }
        }
    }
}
