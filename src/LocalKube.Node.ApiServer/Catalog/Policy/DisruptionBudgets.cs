using k8s.Models;

namespace LocalKube.Node.ApiServer.Catalog.Policy;

/// <summary>component-helpers <c>poddisruptionbudget</c>: the <c>DisruptionAllowed</c> condition.</summary>
internal static class DisruptionBudgets
{
    /// <summary>
    /// Sets <c>DisruptionAllowed</c> from <c>disruptionsAllowed</c>: True <c>SufficientPods</c> or False
    /// <c>InsufficientPods</c>, with the status's observedGeneration (apimachinery <c>SetStatusCondition</c>).
    /// </summary>
    public static void SetAllowedCondition(V1PodDisruptionBudgetStatus status, DateTime now)
    {
        var allowed = status.DisruptionsAllowed > 0;
        var condition = new V1Condition
        {
            Type = "DisruptionAllowed",
            Status = allowed ? "True" : "False",
            Reason = allowed ? "SufficientPods" : "InsufficientPods",
            Message = "",
            ObservedGeneration = status.ObservedGeneration,
            LastTransitionTime = now,
        };
        var list = status.Conditions ??= [];
        var existing = list.FirstOrDefault(c => c.Type == condition.Type);
        if (existing is null)
        {
            list.Add(condition);
            return;
        }

        if (existing.Status != condition.Status)
        {
            existing.Status = condition.Status;
            existing.LastTransitionTime = now;
        }

        existing.Reason = condition.Reason;
        existing.Message = condition.Message;
        existing.ObservedGeneration = condition.ObservedGeneration;
    }
}
