using System.Text;

namespace LocalKube.Node.Kubelet.Containers;

/// <summary>
/// Kubernetes' <c>$(VAR)</c> expansion (<c>k8s: third_party/forked/golang/expansion</c>): a defined <c>$(NAME)</c> is
/// replaced, an undefined one stays literal, <c>$$</c> is an escaped <c>$</c>, and there is no shell expansion.
/// </summary>
public static class VariableExpansion
{
    /// <summary>Expands <paramref name="input"/>; <paramref name="lookup"/> returns null for an undefined name.</summary>
    public static string Expand(string input, Func<string, string?> lookup)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(lookup);
        if (!input.Contains('$', StringComparison.Ordinal))
        {
            return input;
        }

        var output = new StringBuilder(input.Length);
        var checkpoint = 0;
        for (var cursor = 0; cursor < input.Length; cursor++)
        {
            if (input[cursor] != '$' || cursor + 1 >= input.Length)
            {
                continue;
            }

            output.Append(input, checkpoint, cursor - checkpoint);
            var next = input[cursor + 1];
            var advance = 1;
            if (next == '$')
            {
                output.Append('$');
            }
            else if (next == '(')
            {
                var close = input.IndexOf(')', cursor + 2);
                if (close < 0)
                {
                    // An unterminated reference is copied as is.
                    output.Append("$(");
                }
                else
                {
                    var name = input[(cursor + 2)..close];
                    output.Append(lookup(name) ?? $"$({name})");
                    advance = close - cursor;
                }
            }
            else
            {
                output.Append('$').Append(next);
            }

            cursor += advance;
            checkpoint = cursor + 1;
        }

        output.Append(input, checkpoint, input.Length - checkpoint);
        return output.ToString();
    }

    /// <summary>A lookup over several maps, first match wins (upstream's <c>MappingFuncFor</c>).</summary>
    public static Func<string, string?> LookupIn(params IReadOnlyDictionary<string, string>[] maps) => name =>
    {
        foreach (var map in maps)
        {
            if (map.TryGetValue(name, out var value))
            {
                return value;
            }
        }

        return null;
    };
}
