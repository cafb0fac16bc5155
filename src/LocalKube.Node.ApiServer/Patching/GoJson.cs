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
    public static string? SyntaxError(ReadOnlySpan<byte> json)
    {
        var scanner = new Scanner(json);
        return scanner.Check();
    }

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

    // Go's quoteChar: the offending byte as a quoted rune.
    internal static string Quote(byte c) => c switch
    {
        (byte)'\'' => "'\\''",
        (byte)'"' => "'\"'",
        (byte)'\\' => "'\\\\'",
        7 => "'\\a'",
        8 => "'\\b'",
        12 => "'\\f'",
        10 => "'\\n'",
        13 => "'\\r'",
        9 => "'\\t'",
        11 => "'\\v'",
        < 0x20 or 0x7f => $"'\\x{c:x2}'",
        >= 0x80 and < 0xa0 => $"'\\u{c:x4}'",
        _ => $"'{(char)c}'",
    };

    private ref struct Scanner
    {
        private readonly ReadOnlySpan<byte> _s;
        private int _i;

        public Scanner(ReadOnlySpan<byte> s)
        {
            _s = s;
            _i = 0;
        }

        public string? Check()
        {
            SkipSpace();
            if (_i >= _s.Length)
            {
                return Eof;
            }

            var error = Value();
            if (error is not null)
            {
                return error;
            }

            SkipSpace();
            return _i < _s.Length ? $"invalid character {Quote(_s[_i])} after top-level value" : null;
        }

        private const string Eof = "unexpected end of JSON input";

        private void SkipSpace()
        {
            while (_i < _s.Length && _s[_i] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
            {
                _i++;
            }
        }

        private string? Value()
        {
            if (_i >= _s.Length)
            {
                return Eof;
            }

            var c = _s[_i];
            return c switch
            {
                (byte)'{' => Object(),
                (byte)'[' => Array(),
                (byte)'"' => String(),
                (byte)'-' or (>= (byte)'0' and <= (byte)'9') => Number(),
                (byte)'t' => Literal("true"),
                (byte)'f' => Literal("false"),
                (byte)'n' => Literal("null"),
                _ => $"invalid character {Quote(c)} looking for beginning of value",
            };
        }

        private string? Object()
        {
            _i++;
            SkipSpace();
            if (_i >= _s.Length)
            {
                return Eof;
            }

            if (_s[_i] == (byte)'}')
            {
                _i++;
                return null;
            }

            while (true)
            {
                if (_i >= _s.Length)
                {
                    return Eof;
                }

                if (_s[_i] != (byte)'"')
                {
                    return $"invalid character {Quote(_s[_i])} looking for beginning of object key string";
                }

                var error = String();
                if (error is not null)
                {
                    return error;
                }

                SkipSpace();
                if (_i >= _s.Length)
                {
                    return Eof;
                }

                if (_s[_i] != (byte)':')
                {
                    return $"invalid character {Quote(_s[_i])} after object key";
                }

                _i++;
                SkipSpace();
                error = Value();
                if (error is not null)
                {
                    return error;
                }

                SkipSpace();
                if (_i >= _s.Length)
                {
                    return Eof;
                }

                if (_s[_i] == (byte)'}')
                {
                    _i++;
                    return null;
                }

                if (_s[_i] != (byte)',')
                {
                    return $"invalid character {Quote(_s[_i])} after object key:value pair";
                }

                _i++;
                SkipSpace();
            }
        }

        private string? Array()
        {
            _i++;
            SkipSpace();
            if (_i >= _s.Length)
            {
                return Eof;
            }

            if (_s[_i] == (byte)']')
            {
                _i++;
                return null;
            }

            while (true)
            {
                var error = Value();
                if (error is not null)
                {
                    return error;
                }

                SkipSpace();
                if (_i >= _s.Length)
                {
                    return Eof;
                }

                if (_s[_i] == (byte)']')
                {
                    _i++;
                    return null;
                }

                if (_s[_i] != (byte)',')
                {
                    return $"invalid character {Quote(_s[_i])} after array element";
                }

                _i++;
                SkipSpace();
            }
        }

        private string? String()
        {
            _i++;
            while (true)
            {
                if (_i >= _s.Length)
                {
                    return Eof;
                }

                var c = _s[_i];
                if (c == (byte)'"')
                {
                    _i++;
                    return null;
                }

                if (c == (byte)'\\')
                {
                    _i++;
                    if (_i >= _s.Length)
                    {
                        return Eof;
                    }

                    var e = _s[_i];
                    if (e is (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t')
                    {
                        _i++;
                        continue;
                    }

                    if (e != (byte)'u')
                    {
                        return $"invalid character {Quote(e)} in string escape code";
                    }

                    _i++;
                    for (var k = 0; k < 4; k++)
                    {
                        if (_i >= _s.Length)
                        {
                            return Eof;
                        }

                        if (!Uri.IsHexDigit((char)_s[_i]))
                        {
                            return $"invalid character {Quote(_s[_i])} in \\u hexadecimal character escape";
                        }

                        _i++;
                    }

                    continue;
                }

                if (c < 0x20)
                {
                    return $"invalid character {Quote(c)} in string literal";
                }

                _i++;
            }
        }

        private string? Number()
        {
            if (_s[_i] == (byte)'-')
            {
                _i++;
                if (_i >= _s.Length)
                {
                    return Eof;
                }

                if (!IsDigit(_s[_i]))
                {
                    return $"invalid character {Quote(_s[_i])} in numeric literal";
                }
            }

            if (_s[_i] == (byte)'0')
            {
                _i++;
            }
            else
            {
                while (_i < _s.Length && IsDigit(_s[_i]))
                {
                    _i++;
                }
            }

            if (_i < _s.Length && _s[_i] == (byte)'.')
            {
                _i++;
                if (_i >= _s.Length)
                {
                    return Eof;
                }

                if (!IsDigit(_s[_i]))
                {
                    return $"invalid character {Quote(_s[_i])} after decimal point in numeric literal";
                }

                while (_i < _s.Length && IsDigit(_s[_i]))
                {
                    _i++;
                }
            }

            if (_i < _s.Length && _s[_i] is (byte)'e' or (byte)'E')
            {
                _i++;
                if (_i < _s.Length && _s[_i] is (byte)'+' or (byte)'-')
                {
                    _i++;
                }

                if (_i >= _s.Length)
                {
                    return Eof;
                }

                if (!IsDigit(_s[_i]))
                {
                    return $"invalid character {Quote(_s[_i])} in exponent of numeric literal";
                }

                while (_i < _s.Length && IsDigit(_s[_i]))
                {
                    _i++;
                }
            }

            return null;
        }

        private string? Literal(string word)
        {
            for (var k = 0; k < word.Length; k++)
            {
                if (_i >= _s.Length)
                {
                    return Eof;
                }

                if (_s[_i] != (byte)word[k])
                {
                    return $"invalid character {Quote(_s[_i])} in literal {word} (expecting {Quote((byte)word[k])})";
                }

                _i++;
            }

            return null;
        }

        private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';
    }
}
