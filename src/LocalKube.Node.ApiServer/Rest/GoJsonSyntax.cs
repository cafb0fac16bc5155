using System.Globalization;

namespace LocalKube.Node.ApiServer.Rest;

/// <summary>
/// Words a JSON syntax error as Go's <c>encoding/json</c> scanner does (upstream's API server answers
/// <c>couldn't get version/kind; json parse error: unexpected end of JSON input</c>): it rescans the body that
/// System.Text.Json refused, which only happens on the error path. Iterative, so any nesting is safe.
/// </summary>
public static class GoJsonSyntax
{
    private enum Step
    {
        Value,
        AfterKey,
        AfterValue,
    }

    /// <summary>Go's message for the first syntax error in <paramref name="json"/>, or null when it is well-formed.</summary>
    public static string? Describe(ReadOnlySpan<byte> json)
    {
        var containers = new Stack<byte>();
        var i = 0;
        var step = Step.Value;
        while (true)
        {
            SkipSpace(json, ref i);
            if (i >= json.Length)
            {
                return step == Step.AfterValue && containers.Count == 0 ? null : "unexpected end of JSON input";
            }

            var c = json[i];
            switch (step)
            {
                case Step.Value:
                    if (c == '{' || c == '[')
                    {
                        containers.Push(c);
                        i++;
                        SkipSpace(json, ref i);
                        if (i >= json.Length)
                        {
                            return "unexpected end of JSON input";
                        }

                        if (json[i] == (c == '{' ? '}' : ']'))
                        {
                            containers.Pop();
                            i++;
                            step = Step.AfterValue;
                        }
                        else if (c == '{')
                        {
                            if (Key(json, ref i) is { } error)
                            {
                                return error;
                            }

                            step = Step.AfterKey;
                        }

                        continue;
                    }

                    if (Scalar(json, ref i) is { } invalid)
                    {
                        return invalid;
                    }

                    step = Step.AfterValue;
                    continue;

                case Step.AfterKey:
                    if (c != ':')
                    {
                        return $"invalid character {Quote(c)} after object key";
                    }

                    i++;
                    step = Step.Value;
                    continue;

                default:
                    if (containers.Count == 0)
                    {
                        return $"invalid character {Quote(c)} after top-level value";
                    }

                    var inObject = containers.Peek() == '{';
                    if (c == (inObject ? '}' : ']'))
                    {
                        containers.Pop();
                        i++;
                        continue;
                    }

                    if (c != ',')
                    {
                        return $"invalid character {Quote(c)} after {(inObject ? "object key:value pair" : "array element")}";
                    }

                    i++;
                    if (inObject)
                    {
                        SkipSpace(json, ref i);
                        if (Key(json, ref i) is { } error)
                        {
                            return error;
                        }

                        step = Step.AfterKey;
                    }
                    else
                    {
                        step = Step.Value;
                    }

                    continue;
            }
        }
    }

    private static string? Key(ReadOnlySpan<byte> json, ref int i)
    {
        if (i >= json.Length)
        {
            return "unexpected end of JSON input";
        }

        return json[i] == '"' ? String(json, ref i) : $"invalid character {Quote(json[i])} looking for beginning of object key string";
    }

    private static string? Scalar(ReadOnlySpan<byte> json, ref int i)
    {
        var c = json[i];
        if (c == '"')
        {
            return String(json, ref i);
        }

        if (c == '-' || (c >= '0' && c <= '9'))
        {
            return Number(json, ref i);
        }

        foreach (var literal in (ReadOnlySpan<string>)["true", "false", "null"])
        {
            if (c == literal[0])
            {
                for (var k = 1; k < literal.Length; k++)
                {
                    if (i + k >= json.Length)
                    {
                        return "unexpected end of JSON input";
                    }

                    if (json[i + k] != literal[k])
                    {
                        return $"invalid character {Quote(json[i + k])} in literal {literal} (expecting {Quote((byte)literal[k])})";
                    }
                }

                i += literal.Length;
                return null;
            }
        }

        return $"invalid character {Quote(c)} looking for beginning of value";
    }

    private static string? String(ReadOnlySpan<byte> json, ref int i)
    {
        for (i++; i < json.Length; i++)
        {
            var c = json[i];
            if (c == '"')
            {
                i++;
                return null;
            }

            if (c < 0x20)
            {
                return $"invalid character {Quote(c)} in string literal";
            }

            if (c == '\\')
            {
                if (++i >= json.Length)
                {
                    break;
                }

                if (json[i] == 'u')
                {
                    for (var k = 1; k <= 4; k++)
                    {
                        if (i + k >= json.Length)
                        {
                            return "unexpected end of JSON input";
                        }

                        if (!Uri.IsHexDigit((char)json[i + k]))
                        {
                            return $"invalid character {Quote(json[i + k])} in \\u hexadecimal character escape";
                        }
                    }

                    i += 4;
                }
                else if (!"\"\\/bfnrt".Contains((char)json[i], StringComparison.Ordinal))
                {
                    return $"invalid character {Quote(json[i])} in string escape code";
                }
            }
        }

        return "unexpected end of JSON input";
    }

    private static string? Number(ReadOnlySpan<byte> json, ref int i)
    {
        static bool Digit(ReadOnlySpan<byte> s, int at) => at < s.Length && s[at] >= '0' && s[at] <= '9';
        if (json[i] == '-')
        {
            i++;
            if (i >= json.Length)
            {
                return "unexpected end of JSON input";
            }

            if (!Digit(json, i))
            {
                return $"invalid character {Quote(json[i])} in numeric literal";
            }
        }

        if (json[i] == '0')
        {
            i++;
        }
        else
        {
            while (Digit(json, i))
            {
                i++;
            }
        }

        if (i < json.Length && json[i] == '.')
        {
            if (++i >= json.Length)
            {
                return "unexpected end of JSON input";
            }

            if (!Digit(json, i))
            {
                return $"invalid character {Quote(json[i])} after decimal point in numeric literal";
            }

            while (Digit(json, i))
            {
                i++;
            }
        }

        if (i < json.Length && (json[i] == 'e' || json[i] == 'E'))
        {
            if (++i < json.Length && (json[i] == '+' || json[i] == '-'))
            {
                i++;
            }

            if (i >= json.Length)
            {
                return "unexpected end of JSON input";
            }

            if (!Digit(json, i))
            {
                return $"invalid character {Quote(json[i])} in exponent of numeric literal";
            }

            while (Digit(json, i))
            {
                i++;
            }
        }

        return null;
    }

    private static void SkipSpace(ReadOnlySpan<byte> json, ref int i)
    {
        while (i < json.Length && json[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            i++;
        }
    }

    // Go's quoteChar: the offending byte as a quoted rune.
    private static string Quote(byte c) => c switch
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
}
