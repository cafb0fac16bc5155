using k8s.Models;

namespace LocalKube.Node.Machinery.Labels;

/// <summary>
/// A label selector: requirements that are ANDed (apimachinery <c>labels.Selector</c>). The one matcher of the
/// node: the API server filters lists and watches with it, and the node's clients (listers, controllers,
/// cluster-role aggregation) match <c>metav1.LabelSelector</c>s with it.
/// </summary>
public sealed class LabelSelector
{
    private readonly LabelRequirement[] _requirements;
    private readonly bool _nothing;

    private LabelSelector(IEnumerable<LabelRequirement> requirements, bool nothing = false)
    {
        _requirements = [.. requirements];
        _nothing = nothing;
    }

    /// <summary>Matches every object.</summary>
    public static LabelSelector Everything { get; } = new([]);

    /// <summary>Matches no object (upstream's <c>labels.Nothing()</c>, what a nil <c>metav1.LabelSelector</c> selects).</summary>
    public static LabelSelector Nothing { get; } = new([], nothing: true);

    /// <summary>Whether it matches every object.</summary>
    public bool IsEmpty => !_nothing && _requirements.Length == 0;

    /// <summary>The requirements, ANDed.</summary>
    public IReadOnlyList<LabelRequirement> Requirements => _requirements;

    /// <summary>A selector from <paramref name="requirements"/>.</summary>
    public static LabelSelector Of(IEnumerable<LabelRequirement> requirements) => new(requirements);

    /// <summary>Equality on every pair of <paramref name="labels"/> (upstream's <c>SelectorFromSet</c>).</summary>
    public static LabelSelector FromSet(IDictionary<string, string>? labels) =>
        labels is null or { Count: 0 }
            ? Everything
            : new(labels.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new LabelRequirement(kv.Key, SelectorOperator.Equals, [kv.Value])));

    /// <summary>
    /// Converts a <c>metav1.LabelSelector</c> (upstream's <c>LabelSelectorAsSelector</c>): null selects nothing, an
    /// empty one everything; <c>matchLabels</c> are equalities and <c>matchExpressions</c> In, NotIn, Exists and
    /// DoesNotExist.
    /// </summary>
    /// <exception cref="ArgumentException">An operator is unknown, or In/NotIn has no values.</exception>
    public static LabelSelector FromLabelSelector(V1LabelSelector? selector)
    {
        if (selector is null)
        {
            return Nothing;
        }

        var requirements = new List<LabelRequirement>();
        foreach (var (key, value) in (selector.MatchLabels ?? new Dictionary<string, string>()).OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            requirements.Add(new LabelRequirement(key, SelectorOperator.Equals, [value]));
        }

        foreach (var e in selector.MatchExpressions ?? [])
        {
            var op = e.OperatorProperty switch
            {
                "In" => SelectorOperator.In,
                "NotIn" => SelectorOperator.NotIn,
                "Exists" => SelectorOperator.Exists,
                "DoesNotExist" => SelectorOperator.DoesNotExist,
                _ => throw new ArgumentException($"\"{e.OperatorProperty}\" is not a valid label selector operator", nameof(selector)),
            };
            var values = e.Values?.ToArray() ?? [];
            if (op is SelectorOperator.In or SelectorOperator.NotIn && values.Length == 0)
            {
                throw new ArgumentException("for 'in', 'notin' operators, values set can't be empty", nameof(selector));
            }

            requirements.Add(new LabelRequirement(e.Key, op, values));
        }

        return new LabelSelector(requirements);
    }

    /// <summary>Whether <paramref name="labels"/> (an object's <c>metadata.labels</c>) satisfy every requirement.</summary>
    public bool Matches(IDictionary<string, string>? labels)
    {
        if (_nothing)
        {
            return false;
        }

        foreach (var r in _requirements)
        {
            if (!r.Matches(labels))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The selector in the <c>labelSelector=</c> query syntax; empty for <see cref="Everything"/>.</summary>
    public override string ToString() => string.Join(',', _requirements.Select(r => r.ToString()));
}
