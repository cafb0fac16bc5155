using k8s.Models;
using LocalKube.Node.Machinery.Labels;

namespace LocalKube.Node.Scheduler.Framework;

/// <summary>Label selectors as the plugins compile them, with <c>matchLabelKeys</c>-style extra terms.</summary>
internal static class Selectors
{
    /// <summary>
    /// <paramref name="selector"/> plus <paramref name="extra"/> requirements; a null selector selects nothing, and
    /// an invalid one (which validation rejects anyway) nothing either.
    /// </summary>
    public static LabelSelector With(V1LabelSelector? selector, IEnumerable<(string Key, string Op, string Value)>? extra = null)
    {
        LabelSelector compiled;
        try
        {
            compiled = LabelSelector.FromLabelSelector(selector);
        }
        catch (ArgumentException)
        {
            return LabelSelector.Nothing;
        }

        var more = (extra ?? []).Select(e => new LabelRequirement(e.Key, e.Op == "In" ? SelectorOperator.In : SelectorOperator.NotIn, [e.Value])).ToList();
        return selector is null || more.Count == 0 ? compiled : LabelSelector.Of(compiled.Requirements.Concat(more));
    }

    /// <summary>Whether <paramref name="selector"/> selects nothing at all (a null <c>labelSelector</c>).</summary>
    public static bool IsNothing(LabelSelector selector) => ReferenceEquals(selector, LabelSelector.Nothing);
}
