using k8s.Models;

namespace LocalKube.Node.ApiServer.Rest;

/// <summary>
/// Upstream's <c>podutil.UpdatePodCondition</c>: replaces the condition of the same type, keeping its
/// <c>lastTransitionTime</c> unless the status changes.
/// </summary>
internal static class PodConditions
{
    /// <summary>Sets <paramref name="condition"/> on <paramref name="pod"/>; false when nothing changed.</summary>
    public static bool Set(V1Pod pod, V1PodCondition condition, DateTime now)
    {
        var status = pod.Status ??= new V1PodStatus();
        var list = status.Conditions ??= [];
        var index = list.ToList().FindIndex(c => c.Type == condition.Type);
        if (index < 0)
        {
            condition.LastTransitionTime ??= now;
            list.Add(condition);
            return true;
        }

        var old = list[index];
        condition.LastTransitionTime = old.Status == condition.Status ? old.LastTransitionTime : condition.LastTransitionTime ?? now;
        if (old.Status == condition.Status && old.Reason == condition.Reason && old.Message == condition.Message
            && old.LastProbeTime == condition.LastProbeTime && old.LastTransitionTime == condition.LastTransitionTime)
        {
            return false;
        }

        list[index] = condition;
        return true;
    }
}
