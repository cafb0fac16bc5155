using k8s.Models;
using LocalKube.Node.Machinery.Labels;

namespace LocalKube.Node.ApiServer.Catalog.Printing;

/// <summary>
/// Label selectors as upstream prints and evaluates them: requirements sorted by key, <c>k=v</c>,
/// <c>k in (a,b)</c>, <c>k notin (a,b)</c>, <c>k</c>, <c>!k</c>, joined by commas.
/// </summary>
public static class Selectors
{
    /// <summary>The selector's string form; empty for an empty or missing selector.</summary>
    public static string Format(V1LabelSelector? selector)
    {
        if (selector is null)
        {
            return "";
        }

        var reqs = new List<(string Key, string Text)>();
        foreach (var (k, v) in selector.MatchLabels ?? new Dictionary<string, string>())
        {
            reqs.Add((k, $"{k}={v}"));
        }

        foreach (var e in selector.MatchExpressions ?? [])
        {
            var values = string.Join(",", (e.Values ?? []).Order(StringComparer.Ordinal));
            reqs.Add((e.Key, e.OperatorProperty switch
            {
                "In" => $"{e.Key} in ({values})",
                "NotIn" => $"{e.Key} notin ({values})",
                "Exists" => e.Key,
                "DoesNotExist" => "!" + e.Key,
                _ => $"{e.Key} {e.OperatorProperty} ({values})",
            }));
        }

        return string.Join(",", reqs.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => r.Text));
    }

    /// <summary><c>metav1.FormatLabelSelector</c>: the string form, or <c>&lt;none&gt;</c> when empty.</summary>
    public static string FormatOrNone(V1LabelSelector? selector)
    {
        var s = Format(selector);
        return s.Length == 0 ? "<none>" : s;
    }

    /// <summary><c>labels.FormatLabels</c>: sorted <c>k=v</c> pairs, or <c>&lt;none&gt;</c>.</summary>
    public static string FormatLabels(IDictionary<string, string>? labels) =>
        labels is null || labels.Count == 0
            ? "<none>"
            : string.Join(",", labels.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));

    /// <summary>
    /// Whether <paramref name="labels"/> satisfy <paramref name="selector"/> (an empty selector matches all, a missing
    /// or malformed one nothing): the node's one matcher, <see cref="LabelSelector"/>.
    /// </summary>
    public static bool Matches(V1LabelSelector? selector, IDictionary<string, string>? labels)
    {
        try
        {
            return LabelSelector.FromLabelSelector(selector).Matches(labels);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Whether a selector selects nothing specific (no labels and no expressions).</summary>
    public static bool IsEmpty(V1LabelSelector? selector) =>
        selector is null || ((selector.MatchLabels?.Count ?? 0) == 0 && (selector.MatchExpressions?.Count ?? 0) == 0);
}
