using System.Globalization;
using k8s.Models;

namespace LocalKube.Node.Controllers.Job;

/// <summary>A failed pod's match against <c>spec.podFailurePolicy</c> (<c>matchPodFailurePolicy</c>).</summary>
/// <param name="FailJobMessage">The Job's failure message when a FailJob rule matched.</param>
/// <param name="CountFailed">Whether the failure counts toward backoffLimit (false for Ignore).</param>
/// <param name="Action">The matched rule's action, if any rule matched.</param>
public sealed record PodFailurePolicyMatch(string? FailJobMessage, bool CountFailed, string? Action)
{
    /// <summary>The action names.</summary>
    public const string FailJob = "FailJob";

    /// <summary>Ignore: not counted.</summary>
    public const string Ignore = "Ignore";

    /// <summary>Count: counted as usual.</summary>
    public const string Count = "Count";

    /// <summary>FailIndex: the index fails (backoffLimitPerIndex).</summary>
    public const string FailIndex = "FailIndex";

    /// <summary>Matches <paramref name="pod"/>'s container exit codes and conditions against the ordered rules.</summary>
    public static PodFailurePolicyMatch Evaluate(V1PodFailurePolicy? policy, V1Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (policy is null)
        {
            return new(null, true, null);
        }

        var rules = policy.Rules ?? [];
        for (var index = 0; index < rules.Count; index++)
        {
            var rule = rules[index];
            if (rule.OnExitCodes is { } onExitCodes)
            {
                if (MatchExitCodes(pod.Status, onExitCodes) is { } container)
                {
                    return rule.Action switch
                    {
                        Ignore => new(null, false, Ignore),
                        FailIndex => new(null, true, FailIndex),
                        Count => new(null, true, Count),
                        FailJob => new(string.Create(CultureInfo.InvariantCulture, $"Container {container.Name} for pod {pod.Metadata.NamespaceProperty}/{pod.Metadata.Name} failed with exit code {container.State.Terminated.ExitCode} matching {rule.Action} rule at index {index}"), true, FailJob),
                        _ => new(null, true, null),
                    };
                }
            }
            else if (rule.OnPodConditions is { } onConditions && MatchConditions(pod.Status, onConditions) is { } condition)
            {
                return rule.Action switch
                {
                    Ignore => new(null, false, Ignore),
                    FailIndex => new(null, true, FailIndex),
                    Count => new(null, true, Count),
                    FailJob => new(string.Create(CultureInfo.InvariantCulture, $"Pod {pod.Metadata.NamespaceProperty}/{pod.Metadata.Name} has condition {condition.Type} matching {rule.Action} rule at index {index}"), true, FailJob),
                    _ => new(null, true, null),
                };
            }
        }

        return new(null, true, null);
    }

    private static V1ContainerStatus? MatchExitCodes(V1PodStatus? status, V1PodFailurePolicyOnExitCodesRequirement requirement) =>
        MatchContainer(status?.ContainerStatuses, requirement) ?? MatchContainer(status?.InitContainerStatuses, requirement);

    private static V1ContainerStatus? MatchContainer(IList<V1ContainerStatus>? statuses, V1PodFailurePolicyOnExitCodesRequirement requirement)
    {
        foreach (var c in statuses ?? [])
        {
            if (c.State?.Terminated is not { } terminated)
            {
                continue;
            }

            if ((requirement.ContainerName is null || requirement.ContainerName == c.Name) && terminated.ExitCode != 0)
            {
                var values = requirement.Values ?? [];
                var matches = requirement.OperatorProperty switch
                {
                    "In" => values.Contains(terminated.ExitCode),
                    "NotIn" => !values.Contains(terminated.ExitCode),
                    _ => false,
                };
                if (matches)
                {
                    return c;
                }
            }
        }

        return null;
    }

    private static V1PodCondition? MatchConditions(V1PodStatus? status, IList<V1PodFailurePolicyOnPodConditionsPattern> patterns)
    {
        foreach (var condition in status?.Conditions ?? [])
        {
            foreach (var pattern in patterns)
            {
                if (condition.Type == pattern.Type && condition.Status == (pattern.Status ?? "True"))
                {
                    return condition;
                }
            }
        }

        return null;
    }
}
