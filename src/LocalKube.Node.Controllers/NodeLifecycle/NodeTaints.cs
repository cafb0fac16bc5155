using k8s.Models;

namespace LocalKube.Node.Controllers.NodeLifecycle;

/// <summary>
/// The taints the node lifecycle controller owns (k/k <c>pkg/controller/nodelifecycle</c>, <c>taintutils</c>):
/// NoSchedule taints mirroring conditions and cordoning (TaintNodesByCondition), and the mutually exclusive
/// <c>not-ready</c>/<c>unreachable</c> NoExecute taints.
/// </summary>
internal static class NodeTaints
{
    /// <summary>Ready False.</summary>
    public const string NotReady = "node.kubernetes.io/not-ready";

    /// <summary>Ready Unknown.</summary>
    public const string Unreachable = "node.kubernetes.io/unreachable";

    /// <summary>Cordoned.</summary>
    public const string Unschedulable = "node.kubernetes.io/unschedulable";

    private static readonly Dictionary<(string Type, string Status), string> ConditionTaints = new()
    {
        [("Ready", "False")] = NotReady,
        [("Ready", "Unknown")] = Unreachable,
        [("MemoryPressure", "True")] = "node.kubernetes.io/memory-pressure",
        [("DiskPressure", "True")] = "node.kubernetes.io/disk-pressure",
        [("NetworkUnavailable", "True")] = "node.kubernetes.io/network-unavailable",
        [("PIDPressure", "True")] = "node.kubernetes.io/pid-pressure",
    };

    private static readonly HashSet<string> ConditionTaintKeys = [.. ConditionTaints.Values];

    /// <summary>
    /// The NoSchedule taints <paramref name="node"/> should have per its conditions and <c>spec.unschedulable</c>,
    /// as (to add, to remove) against the condition taints it has.
    /// </summary>
    public static (List<V1Taint> Add, List<V1Taint> Remove) NoScheduleDiff(V1Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var wanted = new List<V1Taint>();
        foreach (var c in node.Status?.Conditions ?? [])
        {
            if (ConditionTaints.TryGetValue((c.Type, c.Status), out var key))
            {
                wanted.Add(new V1Taint { Key = key, Effect = "NoSchedule" });
            }
        }

        if (node.Spec?.Unschedulable == true)
        {
            wanted.Add(new V1Taint { Key = Unschedulable, Effect = "NoSchedule" });
        }

        var present = (node.Spec?.Taints ?? []).Where(t => t.Effect == "NoSchedule" && (t.Key == Unschedulable || ConditionTaintKeys.Contains(t.Key))).ToList();
        var add = wanted.Where(w => !present.Any(p => p.Key == w.Key && p.Value == w.Value)).ToList();
        var remove = present.Where(p => !wanted.Any(w => w.Key == p.Key && w.Value == p.Value)).ToList();
        return (add, remove);
    }

    /// <summary>The NoExecute taint for a Ready status (False → not-ready, Unknown → unreachable), and the opposite one.</summary>
    public static (V1Taint? Add, V1Taint? Opposite) NoExecuteFor(string? readyStatus) => readyStatus switch
    {
        "False" => (new V1Taint { Key = NotReady, Effect = "NoExecute" }, new V1Taint { Key = Unreachable, Effect = "NoExecute" }),
        "Unknown" => (new V1Taint { Key = Unreachable, Effect = "NoExecute" }, new V1Taint { Key = NotReady, Effect = "NoExecute" }),
        _ => (null, null),
    };

    /// <summary>Whether <paramref name="node"/> has a taint with <paramref name="key"/> and <paramref name="effect"/>.</summary>
    public static bool Has(V1Node node, string key, string effect) => node.Spec?.Taints?.Any(t => t.Key == key && t.Effect == effect) == true;

    /// <summary>
    /// The taints after removing <paramref name="remove"/> and adding <paramref name="add"/> (stamped with
    /// <c>timeAdded</c>), as upstream's <c>SwapNodeControllerTaint</c>; null when nothing changes.
    /// </summary>
    public static List<V1Taint>? Swap(V1Node node, IEnumerable<V1Taint> add, IEnumerable<V1Taint> remove, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(node);
        var taints = (node.Spec?.Taints ?? []).ToList();
        var changed = taints.RemoveAll(t => remove.Any(r => r.Key == t.Key && r.Effect == t.Effect)) > 0;
        foreach (var taint in add)
        {
            if (!taints.Any(t => t.Key == taint.Key && t.Effect == taint.Effect))
            {
                taints.Add(new V1Taint { Key = taint.Key, Value = taint.Value, Effect = taint.Effect, TimeAdded = now });
                changed = true;
            }
        }

        return changed ? taints : null;
    }
}
