namespace LocalKube.Core.Kubeconfig;

/// <summary>
/// A reader of the block-style YAML subset that kubectl and LocalKube write kubeconfigs in: nested mappings and
/// sequences by indentation (a sequence may sit at its key's indentation, as kubectl writes it), and plain, single- or
/// double-quoted one-line scalars, and empty <c>{}</c> and <c>[]</c>. It exists for <c>status</c>, which reads one field of the kubeconfig on every call:
/// loading and running the YAML library costs more than the whole answer. Anything outside the subset (non-empty flow
/// collections, anchors, tags, block or multi-line scalars, tabs, several documents) yields null, and the caller
/// parses the file with the YAML library instead, so an unusual file is read correctly, only slower.
/// </summary>
internal static class BlockYaml
{
    /// <summary>
    /// The document as nested <see cref="Dictionary{TKey,TValue}"/> (mappings), <see cref="List{T}"/> (sequences) and
    /// strings (scalars; an empty value is null); null when the text is outside the subset.
    /// </summary>
    public static object? TryParse(string text)
    {
        var lines = new List<(int Indent, string Content)>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r', ' ');
            var content = line.TrimStart(' ');
            if (content.Length == 0 || content[0] == '#')
            {
                continue;
            }

            if (content[0] == '\t' || content.StartsWith("---", StringComparison.Ordinal) || content.StartsWith("...", StringComparison.Ordinal) || content[0] == '%')
            {
                return null;
            }

            lines.Add((line.Length - content.Length, content));
        }

        var reader = new Reader(lines);
        try
        {
            var root = lines.Count == 0 ? null : reader.Node(lines[0].Indent);
            return reader.AtEnd ? root : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private sealed class Reader(List<(int Indent, string Content)> lines)
    {
        private int _next;

        public bool AtEnd => _next == lines.Count;

        public object? Node(int indent)
        {
            var (at, content) = lines[_next];
            if (at != indent)
            {
                throw new FormatException();
            }

            return IsItem(content) ? Sequence(indent) : Mapping(indent);
        }

        private static bool IsItem(string content) => content == "-" || content.StartsWith("- ", StringComparison.Ordinal);

        private List<object?> Sequence(int indent)
        {
            var items = new List<object?>();
            while (_next < lines.Count && lines[_next].Indent == indent && IsItem(lines[_next].Content))
            {
                var rest = lines[_next].Content.Length > 1 ? lines[_next].Content[2..].TrimStart(' ') : "";
                var column = indent + lines[_next].Content.Length - rest.Length;
                if (rest.Length == 0)
                {
                    _next++;
                    items.Add(_next < lines.Count && lines[_next].Indent > indent ? Node(lines[_next].Indent) : null);
                }
                else if (KeyOf(rest) is not null || IsItem(rest))
                {
                    // "- key: value": a mapping (or nested sequence) whose first line starts after the dash.
                    lines[_next] = (column, rest);
                    items.Add(Node(column));
                }
                else
                {
                    _next++;
                    items.Add(Scalar(rest));
                    RefuseContinuation(indent);
                }
            }

            return items;
        }

        private Dictionary<string, object?> Mapping(int indent)
        {
            var map = new Dictionary<string, object?>(StringComparer.Ordinal);
            while (_next < lines.Count && lines[_next].Indent == indent && !IsItem(lines[_next].Content))
            {
                var content = lines[_next].Content;
                var key = KeyOf(content) ?? throw new FormatException();
                var value = content[(key.Length + 1)..].TrimStart(' ');
                _next++;
                if (value.Length > 0 && value[0] != '#')
                {
                    map[Unquote(key)] = Scalar(value);
                    RefuseContinuation(indent);
                }
                else if (_next < lines.Count && (lines[_next].Indent > indent || (lines[_next].Indent == indent && IsItem(lines[_next].Content))))
                {
                    map[Unquote(key)] = Node(lines[_next].Indent);
                }
                else
                {
                    map[Unquote(key)] = null;
                }
            }

            if (_next < lines.Count && lines[_next].Indent > indent)
            {
                throw new FormatException();
            }

            return map;
        }

        // A plain scalar may continue on more indented lines; the subset does not have them.
        private void RefuseContinuation(int indent)
        {
            if (_next < lines.Count && lines[_next].Indent > indent)
            {
                throw new FormatException();
            }
        }

        /// <summary>The key of a "key: value" or "key:" line, or null.</summary>
        private static string? KeyOf(string content)
        {
            if (content[0] is '"' or '\'')
            {
                var close = content.IndexOf(content[0], 1);
                return close > 0 && close + 1 < content.Length && content[close + 1] == ':' ? content[..(close + 1)] : null;
            }

            var colon = content.IndexOf(':', StringComparison.Ordinal);
            while (colon > 0 && colon + 1 < content.Length && content[colon + 1] != ' ')
            {
                colon = content.IndexOf(':', colon + 1);
            }

            return colon > 0 ? content[..colon] : null;
        }

        private static object? Scalar(string value)
        {
            // Empty collections are written in flow style by every emitter ("preferences: {}").
            if (value is "{}" or "[]")
            {
                return value == "{}" ? new Dictionary<string, object?>(StringComparer.Ordinal) : new List<object?>();
            }

            if (value[0] is '{' or '[' or '&' or '*' or '!' or '|' or '>' or '@' or '`' or '%')
            {
                throw new FormatException();
            }

            if (value[0] is '"' or '\'')
            {
                // The closing quote, then at most a comment.
                var close = 1;
                while ((close = value.IndexOf(value[0], close)) > 0 && value[0] == '\'' && close + 1 < value.Length && value[close + 1] == '\'')
                {
                    close += 2;
                }

                var rest = close > 0 ? value[(close + 1)..].TrimStart(' ') : "?";
                return rest.Length == 0 || rest[0] == '#' ? Unquote(value[..(close + 1)]) : throw new FormatException();
            }

            var comment = value.IndexOf(" #", StringComparison.Ordinal);
            var plain = (comment < 0 ? value : value[..comment]).TrimEnd(' ');
            return plain is "null" or "~" ? null : plain;
        }

        private static string Unquote(string value)
        {
            if (value[0] == '\'')
            {
                return value.Length >= 2 && value[^1] == '\'' ? value[1..^1].Replace("''", "'", StringComparison.Ordinal) : throw new FormatException();
            }

            if (value[0] == '"')
            {
                // Escapes other than \" and \\ are left to the YAML library.
                var inner = value.Length >= 2 && value[^1] == '"' ? value[1..^1] : throw new FormatException();
                return inner.Contains('\\', StringComparison.Ordinal) ? throw new FormatException() : inner;
            }

            return value;
        }
    }
}
