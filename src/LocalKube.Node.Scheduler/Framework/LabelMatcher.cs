using k8s.Models;

namespace LocalKube.Node.Scheduler.Framework;

/// <summary>
/// A compiled <c>metav1.LabelSelector</c> (apimachinery <c>LabelSelectorAsSelector</c>): a null selector matches
/// nothing, an empty one everything; matchLabels and matchExpressions are ANDed.
/// </summary>
internal sealed class LabelMatcher
{
    private readonly (string Key, string Op, HashSet<string> Values)[] _requirements;

    private LabelMatcher((string, string, HashSet<string>)[] requirements, bool nothing)
    {
        _requirements = requirements;
        MatchesNothing = nothing;
    }

    /// <summary>The selector of a null <c>labelSelector</c>.</summary>
    public static LabelMatcher Nothing { get; } = new([], nothing: true);

    /// <summary>The empty selector.</summary>
    public static LabelMatcher Everything { get; } = new([], nothing: false);

    /// <summary>Whether this matches no label set.</summary>
    public bool MatchesNothing { get; }

    /// <summary>Compiles <paramref name="selector"/>; <paramref name="extra"/> are more <c>key In [value]</c>/<c>NotIn</c> terms (matchLabelKeys).</summary>
    public static LabelMatcher From(V1LabelSelector? selector, IEnumerable<(string Key, string Op, string Value)>? extra = null)
    {
        if (selector is null)
        {
            return Nothing;
        }

        var requirements = new List<(string, string, HashSet<string>)>();
        foreach (var (key, value) in selector.MatchLabels ?? new Dictionary<string, string>())
        {
            requirements.Add((key, "In", [value]));
        }

        foreach (var e in selector.MatchExpressions ?? [])
        {
            requirements.Add((e.Key, e.OperatorProperty, new HashSet<string>(e.Values ?? [], StringComparer.Ordinal)));
        }

        foreach (var (key, op, value) in extra ?? [])
        {
            requirements.Add((key, op, [value]));
        }

        return requirements.Count == 0 ? Everything : new LabelMatcher([.. requirements], nothing: false);
    }

    /// <summary>Compiles a plain equality map (a Service or ReplicationController selector); null or empty matches everything.</summary>
    public static LabelMatcher FromMap(IDictionary<string, string>? labels) =>
        labels is null or { Count: 0 } ? Everything : From(new V1LabelSelector { MatchLabels = labels });

    /// <summary>Whether <paramref name="labels"/> satisfy the selector.</summary>
    public bool Matches(IDictionary<string, string>? labels)
    {
        if (MatchesNothing)
        {
            return false;
        }

        foreach (var (key, op, values) in _requirements)
        {
            string? value = null;
            var has = labels is not null && labels.TryGetValue(key, out value);
            var ok = op switch
            {
                "In" => has && values.Contains(value!),
                "NotIn" => !has || !values.Contains(value!),
                "Exists" => has,
                "DoesNotExist" => !has,
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
