using k8s.Models;

namespace LocalKube.Node.Controllers.TaintEviction;

/// <summary>
/// When a pod on a node with NoExecute taints must go (k/k <c>pkg/controller/tainteviction</c>
/// <c>processPodOnNode</c>): at once when some taint is not tolerated; never when every matching toleration is
/// unbounded; otherwise after the shortest <c>tolerationSeconds</c> of the matching tolerations (0 or less: at once).
/// </summary>
internal static class EvictionTiming
{
    /// <summary>
    /// How long after now the pod may stay; <see cref="TimeSpan.Zero"/> for at once, null for forever (or no
    /// NoExecute taint at all).
    /// </summary>
    public static TimeSpan? Delay(IEnumerable<V1Taint>? nodeTaints, IEnumerable<V1Toleration>? tolerations)
    {
        var taints = (nodeTaints ?? []).Where(t => t.Effect == "NoExecute").ToList();
        if (taints.Count == 0)
        {
            return null;
        }

        var used = new List<V1Toleration>();
        foreach (var taint in taints)
        {
            var matching = (tolerations ?? []).Where(t => Tolerates(t, taint)).ToList();
            if (matching.Count == 0)
            {
                return TimeSpan.Zero;
            }

            used.AddRange(matching);
        }

        long? min = null;
        foreach (var t in used)
        {
            if (t.TolerationSeconds is { } seconds)
            {
                if (seconds <= 0)
                {
                    return TimeSpan.Zero;
                }

                min = min is null ? seconds : Math.Min(min.Value, seconds);
            }
        }

        return min is null ? null : TimeSpan.FromSeconds(min.Value);
    }

    /// <summary>Toleration matching as in the scheduler (api <c>ToleratesTaint</c>).</summary>
    public static bool Tolerates(V1Toleration toleration, V1Taint taint)
    {
        ArgumentNullException.ThrowIfNull(toleration);
        ArgumentNullException.ThrowIfNull(taint);
        if (!string.IsNullOrEmpty(toleration.Effect) && toleration.Effect != taint.Effect)
        {
            return false;
        }

        if (!string.IsNullOrEmpty(toleration.Key) && toleration.Key != taint.Key)
        {
            return false;
        }

        return toleration.OperatorProperty switch
        {
            "Exists" => true,
            "" or null or "Equal" => (toleration.Value ?? "") == (taint.Value ?? ""),
            _ => false,
        };
    }
}
