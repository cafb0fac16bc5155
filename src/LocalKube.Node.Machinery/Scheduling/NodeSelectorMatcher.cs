using System.Globalization;
using k8s.Models;

namespace LocalKube.Node.Machinery.Scheduling;

/// <summary>
/// Node selector terms as upstream matches them (component-helpers <c>nodeaffinity</c>): terms are ORed; inside a
/// term every matchExpression (on labels) and matchField (only <c>metadata.name</c>) must hold; a term with neither
/// matches nothing. Operators In, NotIn, Exists, DoesNotExist, Gt and Lt.
/// </summary>
public static class NodeSelectorMatcher
{
    /// <summary>Whether <paramref name="node"/> matches any of <paramref name="terms"/>.</summary>
    public static bool MatchesAny(IEnumerable<V1NodeSelectorTerm>? terms, V1Node node)
    {
        foreach (var term in terms ?? [])
        {
            if (Matches(term, node))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="node"/> matches <paramref name="term"/>.</summary>
    public static bool Matches(V1NodeSelectorTerm term, V1Node node)
    {
        var expressions = term.MatchExpressions ?? [];
        var fields = term.MatchFields ?? [];
        if (expressions.Count == 0 && fields.Count == 0)
        {
            return false;
        }

        var labels = node.Metadata?.Labels;
        foreach (var r in expressions)
        {
            string? value = null;
            var has = labels is not null && labels.TryGetValue(r.Key, out value);
            if (!Requirement(r.OperatorProperty, has, value, r.Values))
            {
                return false;
            }
        }

        foreach (var r in fields)
        {
            // Only metadata.name is a supported field; anything else never matches.
            if (r.Key != "metadata.name" || !Requirement(r.OperatorProperty, true, node.Metadata?.Name ?? "", r.Values))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The node names a required affinity pins the pod to (every term has <c>matchFields metadata.name In</c>), or
    /// null when any node may do (NodeAffinity's PreFilter result).
    /// </summary>
    public static HashSet<string>? PinnedNodeNames(V1NodeSelector? selector)
    {
        if (selector?.NodeSelectorTerms is not { Count: > 0 } terms)
        {
            return null;
        }

        HashSet<string>? names = null;
        foreach (var term in terms)
        {
            HashSet<string>? termNames = null;
            foreach (var field in term.MatchFields ?? [])
            {
                if (field.Key == "metadata.name" && field.OperatorProperty == "In")
                {
                    var values = new HashSet<string>(field.Values ?? [], StringComparer.Ordinal);
                    if (termNames is null)
                    {
                        termNames = values;
                    }
                    else
                    {
                        termNames.IntersectWith(values);
                    }
                }
            }

            if (termNames is null)
            {
                return null;
            }

            names ??= new HashSet<string>(StringComparer.Ordinal);
            names.UnionWith(termNames);
        }

        return names;
    }

    private static bool Requirement(string op, bool has, string? value, IList<string>? values) => op switch
    {
        "In" => has && values is not null && values.Contains(value!),
        "NotIn" => !has || values is null || !values.Contains(value!),
        "Exists" => has,
        "DoesNotExist" => !has,
        "Gt" => has && Compare(value, values) is > 0,
        "Lt" => has && Compare(value, values) is < 0,
        _ => false,
    };

    private static int? Compare(string? value, IList<string>? values)
    {
        if (values is not { Count: 1 }
            || !long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var actual)
            || !long.TryParse(values[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var bound))
        {
            return null;
        }

        return actual.CompareTo(bound);
    }
}
