using k8s.Models;

namespace LocalKube.Node.Controllers.Shared;

/// <summary>Upstream's pod predicates (<c>podutil</c> and <c>controller_utils</c>).</summary>
public static class PodState
{
    /// <summary>The pod's phase as a string ("" when unset).</summary>
    public static string Phase(V1Pod pod) => pod?.Status?.Phase ?? "";

    /// <summary>Whether the pod is Succeeded or Failed.</summary>
    public static bool IsTerminal(V1Pod pod) => Phase(pod) is "Succeeded" or "Failed";

    /// <summary><c>IsPodActive</c>: not terminal and not being deleted.</summary>
    public static bool IsActive(V1Pod pod) => !IsTerminal(pod) && pod.Metadata?.DeletionTimestamp is null;

    /// <summary>Whether the pod has a deletionTimestamp.</summary>
    public static bool IsTerminating(V1Pod pod) => pod.Metadata?.DeletionTimestamp is not null;

    /// <summary>The pod's Ready condition, if any.</summary>
    public static V1PodCondition? ReadyCondition(V1Pod pod) => Condition(pod, "Ready");

    /// <summary>A pod condition by type.</summary>
    public static V1PodCondition? Condition(V1Pod pod, string type)
    {
        // A loop, not FirstOrDefault: controllers ask this of every pod of a ReplicaSet at each sync.
        if (pod?.Status?.Conditions is not { } conditions)
        {
            return null;
        }

        for (var i = 0; i < conditions.Count; i++)
        {
            if (conditions[i].Type == type)
            {
                return conditions[i];
            }
        }

        return null;
    }

    /// <summary><c>IsPodReady</c>: the Ready condition is True.</summary>
    public static bool IsReady(V1Pod pod) => ReadyCondition(pod)?.Status == "True";

    /// <summary>
    /// <c>IsPodAvailable</c>: Ready, and Ready since at least <paramref name="minReadySeconds"/> ago (by the
    /// condition's lastTransitionTime).
    /// </summary>
    public static bool IsAvailable(V1Pod pod, int minReadySeconds, DateTime now)
    {
        var ready = ReadyCondition(pod);
        if (ready?.Status != "True")
        {
            return false;
        }

        if (minReadySeconds == 0)
        {
            return true;
        }

        var since = ready.LastTransitionTime;
        return since is { } t && t.ToUniversalTime().AddSeconds(minReadySeconds) < now;
    }

    /// <summary>When a pod that is Ready will become available (null when not Ready or already available).</summary>
    public static TimeSpan? UntilAvailable(V1Pod pod, int minReadySeconds, DateTime now)
    {
        var ready = ReadyCondition(pod);
        if (ready?.Status != "True" || minReadySeconds == 0 || ready.LastTransitionTime is not { } t)
        {
            return null;
        }

        var at = t.ToUniversalTime().AddSeconds(minReadySeconds);
        return at < now ? null : at - now;
    }

    /// <summary>The sum of the restart counts of the pod's containers.</summary>
    public static int Restarts(V1Pod pod) => pod?.Status?.ContainerStatuses?.Sum(c => c.RestartCount) ?? 0;
}
