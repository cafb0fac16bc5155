using k8s.Models;
using LocalKube.Node.Machinery.Resources;

namespace LocalKube.Node.Scheduler.Framework;

/// <summary>
/// A node with the pods on it (bound or assumed) and what they use (kube-scheduler <c>framework.NodeInfo</c>):
/// summed requests, host ports, and the subsets of pods with affinity terms that other pods must respect.
/// </summary>
public sealed class NodeInfo
{
    private readonly Dictionary<string, PodInfo> _pods = new(StringComparer.Ordinal);
    private readonly List<HostPort> _usedPorts = [];

    /// <summary>Creates the entry of <paramref name="node"/> (null while only its pods are known).</summary>
    public NodeInfo(V1Node? node, string name)
    {
        Name = name;
        SetNode(node);
    }

    /// <summary>The node name.</summary>
    public string Name { get; }

    /// <summary>The node object; null when pods reference a node not (or no longer) seen.</summary>
    public V1Node? Node { get; private set; }

    /// <summary>The node's labels.</summary>
    public IDictionary<string, string>? Labels => Node?.Metadata?.Labels;

    /// <summary>The pods on the node, by key.</summary>
    public IReadOnlyCollection<PodInfo> Pods => _pods.Values;

    /// <summary>How many pods are on the node.</summary>
    public int PodCount => _pods.Count;

    /// <summary>Pods declaring pod affinity or anti-affinity.</summary>
    public List<PodInfo> PodsWithAffinity { get; } = [];

    /// <summary>Pods declaring required anti-affinity.</summary>
    public List<PodInfo> PodsWithRequiredAntiAffinity { get; } = [];

    /// <summary>Summed requests of the pods.</summary>
    public ResourceAmounts Requested { get; } = new();

    /// <summary>Summed requests with the scoring defaults for unset CPU/memory.</summary>
    public ResourceAmounts NonZeroRequested { get; } = new();

    /// <summary>The node's allocatable resources.</summary>
    public ResourceAmounts Allocatable { get; private set; } = new();

    /// <summary>Host ports in use.</summary>
    public IReadOnlyList<HostPort> UsedPorts => _usedPorts;

    /// <summary>Image sizes by every name the node reports for them.</summary>
    public IReadOnlyDictionary<string, long> ImageSizes { get; private set; } = new Dictionary<string, long>();

    /// <summary>Bumped on every change.</summary>
    public long Generation { get; private set; }

    /// <summary>Replaces the node object.</summary>
    public void SetNode(V1Node? node)
    {
        Node = node;
        Allocatable = ResourceAmounts.From(node?.Status?.Allocatable);
        var images = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var image in node?.Status?.Images ?? [])
        {
            foreach (var name in image.Names ?? [])
            {
                images[name] = image.SizeBytes ?? 0;
            }
        }

        ImageSizes = images;
        Generation++;
    }

    /// <summary>Whether the pod with <paramref name="key"/> is on the node.</summary>
    public bool Contains(string key) => _pods.ContainsKey(key);

    /// <summary>The pod with <paramref name="key"/>, or null when it is not on the node.</summary>
    public PodInfo? Pod(string key) => _pods.GetValueOrDefault(key);

    /// <summary>Adds (or replaces) a pod.</summary>
    public void AddPod(PodInfo pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        RemovePod(pod.Key);
        _pods[pod.Key] = pod;
        Requested.Add(pod.Requests);
        NonZeroRequested.Add(pod.NonZeroRequests);
        _usedPorts.AddRange(pod.HostPorts);
        if (pod.HasAffinity)
        {
            PodsWithAffinity.Add(pod);
        }

        if (pod.RequiredAntiAffinityTerms.Count > 0)
        {
            PodsWithRequiredAntiAffinity.Add(pod);
        }

        Generation++;
    }

    /// <summary>Removes the pod with <paramref name="key"/>; false when it was not there.</summary>
    public bool RemovePod(string key)
    {
        if (!_pods.Remove(key, out var pod))
        {
            return false;
        }

        Requested.Add(pod.Requests, -1);
        NonZeroRequested.Add(pod.NonZeroRequests, -1);
        foreach (var port in pod.HostPorts)
        {
            _usedPorts.Remove(port);
        }

        if (pod.HasAffinity)
        {
            PodsWithAffinity.Remove(pod);
        }

        if (pod.RequiredAntiAffinityTerms.Count > 0)
        {
            PodsWithRequiredAntiAffinity.Remove(pod);
        }

        Generation++;
        return true;
    }

    /// <summary>A copy that can be changed without touching this one (preemption's what-if).</summary>
    public NodeInfo Clone()
    {
        var copy = new NodeInfo(Node, Name);
        foreach (var pod in _pods.Values)
        {
            copy.AddPod(pod);
        }

        return copy;
    }
}
