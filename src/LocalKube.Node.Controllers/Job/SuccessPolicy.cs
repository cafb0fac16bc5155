using System.Globalization;
using k8s.Models;

namespace LocalKube.Node.Controllers.Job;

/// <summary><c>matchSuccessPolicy</c>: whether an Indexed Job's succeeded indexes satisfy a rule.</summary>
public static class SuccessPolicy
{
    /// <summary>The message of the first matching rule ("Matched rules at index %d"), or null.</summary>
    public static string? Match(V1SuccessPolicy? policy, int completions, IndexSet succeeded)
    {
        ArgumentNullException.ThrowIfNull(succeeded);
        if (policy is null || succeeded.Total == 0)
        {
            return null;
        }

        var rules = policy.Rules ?? [];
        for (var index = 0; index < rules.Count; index++)
        {
            var rule = rules[index];
            if (rule.SucceededIndexes is { } text)
            {
                var required = IndexSet.Parse(text, completions);
                if (required.Total == 0)
                {
                    continue;
                }

                var matched = required.Intersect(succeeded).Total;
                if ((rule.SucceededCount is null && matched == required.Total) || (rule.SucceededCount is { } n && matched >= n))
                {
                    return Message(index);
                }
            }
            else if (rule.SucceededCount is { } count && succeeded.Total >= count)
            {
                return Message(index);
            }
        }

        return null;
    }

    private static string Message(int index) => string.Create(CultureInfo.InvariantCulture, $"Matched rules at index {index}");
}
