using System.Globalization;

namespace LocalKube.Node.Machinery.Labels;

/// <summary>One term of a label selector: a key, an operator and its values.</summary>
/// <param name="Key">The label key.</param>
/// <param name="Operator">The operator.</param>
/// <param name="Values">The values (one for the equality and numeric operators, none for the existence ones).</param>
public sealed record LabelRequirement(string Key, SelectorOperator Operator, IReadOnlyList<string> Values)
{
    /// <summary>Whether <paramref name="labels"/> satisfy this term.</summary>
    public bool Matches(IDictionary<string, string>? labels)
    {
        string? value = null;
        var has = labels is not null && labels.TryGetValue(Key, out value);
        return Operator switch
        {
            SelectorOperator.Equals or SelectorOperator.In => has && Contains(value!),
            SelectorOperator.NotEquals or SelectorOperator.NotIn => !has || !Contains(value!),
            SelectorOperator.Exists => has,
            SelectorOperator.DoesNotExist => !has,
            SelectorOperator.GreaterThan => has && TryInteger(value, out var g) && TryInteger(Values[0], out var bound) && g > bound,
            SelectorOperator.LessThan => has && TryInteger(value, out var l) && TryInteger(Values[0], out var limit) && l < limit,
            _ => false,
        };
    }

    /// <summary>The term as upstream prints it: <c>a=b</c>, <c>a!=b</c>, <c>a in (b,c)</c>, <c>a</c>, <c>!a</c>, <c>a&gt;1</c>.</summary>
    public override string ToString() => Operator switch
    {
        SelectorOperator.Equals => $"{Key}={Values[0]}",
        SelectorOperator.NotEquals => $"{Key}!={Values[0]}",
        SelectorOperator.In => $"{Key} in ({string.Join(',', Values.Order(StringComparer.Ordinal))})",
        SelectorOperator.NotIn => $"{Key} notin ({string.Join(',', Values.Order(StringComparer.Ordinal))})",
        SelectorOperator.Exists => Key,
        SelectorOperator.DoesNotExist => "!" + Key,
        SelectorOperator.GreaterThan => $"{Key}>{Values[0]}",
        SelectorOperator.LessThan => $"{Key}<{Values[0]}",
        _ => Key,
    };

    private bool Contains(string value)
    {
        foreach (var v in Values)
        {
            if (string.Equals(v, value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static bool TryInteger(string? text, out long value) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
}
