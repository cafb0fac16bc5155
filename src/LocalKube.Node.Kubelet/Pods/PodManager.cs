using System.Collections.Concurrent;
using k8s.Models;
using LocalKube.Node.Kubelet.Runtime;

namespace LocalKube.Node.Kubelet.Pods;

/// <summary>
/// The pods this node should run, by UID (upstream's pod manager): API pods bound to the node and static pods, and
/// the mirror pods that stand for static pods in the API (by static pod UID).
/// </summary>
internal sealed class PodManager
{
    private readonly ConcurrentDictionary<string, V1Pod> _pods = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, V1Pod> _mirrors = new(StringComparer.Ordinal);

    /// <summary>The desired pod with <paramref name="uid"/>.</summary>
    public V1Pod? Get(string uid) => _pods.TryGetValue(uid, out var pod) ? pod : null;

    /// <summary>How many pods the kubelet knows (without copying them, unlike <see cref="All"/>).</summary>
    public int Count => _pods.Count;

    /// <summary>Every desired pod.</summary>
    public IReadOnlyCollection<V1Pod> All => (IReadOnlyCollection<V1Pod>)_pods.Values;

    /// <summary>Adds or replaces a pod.</summary>
    public void Set(V1Pod pod) => _pods[pod.Metadata.Uid] = pod;

    /// <summary>Removes a pod.</summary>
    public bool Remove(string uid) => _pods.TryRemove(uid, out _);

    /// <summary>The mirror pod of the static pod <paramref name="staticUid"/>.</summary>
    public V1Pod? Mirror(string staticUid) => _mirrors.TryGetValue(staticUid, out var m) ? m : null;

    /// <summary>Records a mirror pod seen in the API (keyed by the static pod's UID, its config hash).</summary>
    public void SetMirror(V1Pod mirror)
    {
        if (mirror.Metadata?.Annotations?.TryGetValue(MirrorPods.MirrorAnnotation, out var hash) == true)
        {
            _mirrors[hash] = mirror;
        }
    }

    /// <summary>Forgets a mirror pod.</summary>
    public void RemoveMirror(V1Pod mirror)
    {
        if (mirror.Metadata?.Annotations?.TryGetValue(MirrorPods.MirrorAnnotation, out var hash) == true
            && _mirrors.TryGetValue(hash, out var known) && known.Metadata.Uid == mirror.Metadata.Uid)
        {
            _mirrors.TryRemove(hash, out _);
        }
    }

    /// <summary>Whether the pod is a static pod (its status goes to its mirror pod).</summary>
    public static bool IsStatic(V1Pod pod) => Status.PodSpecFacts.IsStatic(pod);

    /// <summary>Whether <paramref name="pod"/> is a mirror pod (an API stand-in for a static pod).</summary>
    public static bool IsMirror(V1Pod pod) => pod.Metadata?.Annotations?.ContainsKey(MirrorPods.MirrorAnnotation) == true;

    /// <summary><c>name_namespace(uid)</c>, upstream's format.Pod.</summary>
    public static string Describe(V1Pod pod) => $"{pod.Metadata.Name}_{pod.Metadata.NamespaceProperty}({pod.Metadata.Uid})";

    /// <summary>The config source annotation of a pod, <c>api</c> unless set.</summary>
    public static string Source(V1Pod pod) =>
        pod.Metadata?.Annotations?.TryGetValue(KubernetesLabels.ConfigSource, out var s) == true ? s : "api";
}
