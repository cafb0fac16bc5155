using k8s.Models;
using LocalKube.Node.Scheduler.Framework;

namespace LocalKube.Node.Scheduler.Cache;

/// <summary>
/// The scheduler's view of what runs where (kube-scheduler <c>internal/cache</c>): nodes with the pods bound to them
/// (terminal pods excluded, as upstream's field-selected informer does) plus pods the scheduler assumed but whose
/// binding it has not yet seen, so two pods never race into the last free CPU. Every method is thread-safe; the
/// scheduling cycle holds <see cref="Lock"/> while it reads the nodes.
/// </summary>
public sealed class SchedulerCache
{
    private readonly Dictionary<string, NodeInfo> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Node, bool Assumed)> _pods = new(StringComparer.Ordinal);
    private ClusterSnapshot? _snapshot;

    /// <summary>The lock that guards the cache; hold it while scheduling against <see cref="Nodes"/>.</summary>
    public object Lock { get; } = new();

    /// <summary>The nodes whose object is known.</summary>
    public IEnumerable<NodeInfo> Nodes => _nodes.Values.Where(n => n.Node is not null);

    /// <summary>
    /// The snapshot of the known nodes for a scheduling cycle (call while holding <see cref="Lock"/>). Nodes are the
    /// live entries, so the view is rebuilt only when the set of nodes changes.
    /// </summary>
    public ClusterSnapshot Snapshot(ISchedulerListers listers)
    {
        ArgumentNullException.ThrowIfNull(listers);
        if (_snapshot is null || !ReferenceEquals(_snapshot.Listers, listers))
        {
            _snapshot = new ClusterSnapshot(Nodes, listers);
        }

        return _snapshot;
    }

    /// <summary>How many pods are assumed and not yet confirmed.</summary>
    public int AssumedCount
    {
        get
        {
            lock (Lock)
            {
                return _pods.Values.Count(p => p.Assumed);
            }
        }
    }

    /// <summary>Whether <paramref name="pod"/> is done: Succeeded or Failed pods hold no resources.</summary>
    public static bool IsTerminal(V1Pod pod) => pod.Status?.Phase is "Succeeded" or "Failed";

    /// <summary>A node was added or changed; returns the events it represents.</summary>
    public ClusterEvents SetNode(V1Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        lock (Lock)
        {
            var name = node.Metadata.Name;
            if (!_nodes.TryGetValue(name, out var info))
            {
                _nodes[name] = new NodeInfo(node, name);
                _snapshot = null;
                return ClusterEvents.NodeAdd;
            }

            var old = info.Node;
            info.SetNode(node);
            if (old is null)
            {
                _snapshot = null;
                return ClusterEvents.NodeAdd;
            }

            return NodeChanges(old, node);
        }
    }

    /// <summary>A node was deleted (its pods stay accounted until they go).</summary>
    public void RemoveNode(string name)
    {
        lock (Lock)
        {
            if (_nodes.TryGetValue(name, out var info))
            {
                _snapshot = null;
                if (info.PodCount == 0)
                {
                    _nodes.Remove(name);
                }
                else
                {
                    info.SetNode(null);
                }
            }
        }
    }

    /// <summary>
    /// A pod was added or changed: a bound, non-terminal pod is (re)placed on its node and confirms an assumption; a
    /// terminal one leaves. Returns the events it represents.
    /// </summary>
    public ClusterEvents SetPod(V1Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var key = PodInfo.KeyOf(pod.Metadata.NamespaceProperty, pod.Metadata.Name);
        var node = pod.Spec?.NodeName;
        if (string.IsNullOrEmpty(node) || IsTerminal(pod))
        {
            return RemovePod(key);
        }

        lock (Lock)
        {
            var events = ClusterEvents.None;
            PodInfo? previous = null;
            if (_pods.TryGetValue(key, out var where) && _nodes.TryGetValue(where.Node, out var oldNode))
            {
                previous = oldNode.Pod(key);
                oldNode.RemovePod(key);
                if (where.Node != node)
                {
                    Prune(oldNode);
                }
            }

            var info = new PodInfo(pod);
            NodeFor(node).AddPod(info);
            _pods[key] = (node, false);
            if (previous is null || where.Assumed)
            {
                events |= ClusterEvents.AssignedPodAdd;
            }
            else
            {
                if (!SameLabels(previous.Labels, info.Labels))
                {
                    events |= ClusterEvents.AssignedPodLabel;
                }

                if (info.Requests.MilliCpu < previous.Requests.MilliCpu || info.Requests.Memory < previous.Requests.Memory)
                {
                    events |= ClusterEvents.AssignedPodScaleDown;
                }
            }

            return events;
        }
    }

    /// <summary>A pod was deleted (or finished); returns the events it represents.</summary>
    public ClusterEvents RemovePod(string key)
    {
        lock (Lock)
        {
            if (!_pods.Remove(key, out var where))
            {
                return ClusterEvents.None;
            }

            if (_nodes.TryGetValue(where.Node, out var node))
            {
                node.RemovePod(key);
                Prune(node);
            }

            return ClusterEvents.AssignedPodDelete;
        }
    }

    /// <summary>
    /// Places <paramref name="pod"/> on <paramref name="node"/> before its binding is written (call while holding
    /// <see cref="Lock"/> from the scheduling cycle, or on its own).
    /// </summary>
    public void Assume(PodInfo pod, string node)
    {
        ArgumentNullException.ThrowIfNull(pod);
        lock (Lock)
        {
            if (_pods.ContainsKey(pod.Key))
            {
                return;
            }

            NodeFor(node).AddPod(pod);
            _pods[pod.Key] = (node, true);
        }
    }

    /// <summary>Undoes <see cref="Assume"/> after a failed binding (no-op once the binding was observed).</summary>
    public void Forget(string key)
    {
        lock (Lock)
        {
            if (_pods.TryGetValue(key, out var where) && where.Assumed)
            {
                _pods.Remove(key);
                if (_nodes.TryGetValue(where.Node, out var node))
                {
                    node.RemovePod(key);
                    Prune(node);
                }
            }
        }
    }

    /// <summary>Whether <paramref name="key"/> is assumed (bound by this scheduler but not yet observed).</summary>
    public bool IsAssumed(string key)
    {
        lock (Lock)
        {
            return _pods.TryGetValue(key, out var where) && where.Assumed;
        }
    }

    private static ClusterEvents NodeChanges(V1Node old, V1Node node)
    {
        var events = ClusterEvents.None;
        if (!SameLabels(old.Metadata?.Labels, node.Metadata?.Labels))
        {
            events |= ClusterEvents.NodeLabel;
        }

        if (old.Spec?.Unschedulable != node.Spec?.Unschedulable || Json(old.Spec?.Taints) != Json(node.Spec?.Taints))
        {
            events |= ClusterEvents.NodeTaint;
        }

        if (Json(old.Status?.Allocatable) != Json(node.Status?.Allocatable))
        {
            events |= ClusterEvents.NodeAllocatable;
        }

        if (ConditionSummary(old) != ConditionSummary(node))
        {
            events |= ClusterEvents.NodeOther;
        }

        return events;
    }

    private static string Json(object? value) => value is null ? "null" : k8s.KubernetesJson.Serialize(value);

    private static string ConditionSummary(V1Node node) =>
        string.Join(",", (node.Status?.Conditions ?? []).Select(c => c.Type + "=" + c.Status));

    private static bool SameLabels(IDictionary<string, string>? a, IDictionary<string, string>? b)
    {
        a ??= new Dictionary<string, string>();
        b ??= new Dictionary<string, string>();
        return a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);
    }

    private NodeInfo NodeFor(string name)
    {
        if (!_nodes.TryGetValue(name, out var info))
        {
            _nodes[name] = info = new NodeInfo(null, name);
        }

        return info;
    }

    private void Prune(NodeInfo node)
    {
        if (node.Node is null && node.PodCount == 0)
        {
            _nodes.Remove(node.Name);
            _snapshot = null;
        }
    }
}
