using LocalKube.Node.Scheduler.Framework;

namespace LocalKube.Node.Scheduler.Runtime;

/// <summary>
/// Pods nominated to a node by preemption (kube-scheduler's PodNominator): while their victims terminate, other pods
/// of no higher priority must not take the room they freed. Thread-safe.
/// </summary>
internal sealed class Nominator
{
    private readonly object _lock = new();
    private readonly Dictionary<string, (string Node, PodInfo Pod)> _byKey = new(StringComparer.Ordinal);

    /// <summary>Records the nomination <paramref name="pod"/> carries (or clears it when none).</summary>
    public void Set(PodInfo pod, string? node)
    {
        lock (_lock)
        {
            if (string.IsNullOrEmpty(node))
            {
                _byKey.Remove(pod.Key);
            }
            else
            {
                _byKey[pod.Key] = (node, pod);
            }
        }
    }

    /// <summary>Forgets a pod that was bound or deleted.</summary>
    public void Remove(string key)
    {
        lock (_lock)
        {
            _byKey.Remove(key);
        }
    }

    /// <summary>The pods nominated to <paramref name="node"/>.</summary>
    public IReadOnlyList<PodInfo> For(string node)
    {
        lock (_lock)
        {
            return _byKey.Count == 0 ? [] : _byKey.Values.Where(v => v.Node == node).Select(v => v.Pod).ToList();
        }
    }
}
