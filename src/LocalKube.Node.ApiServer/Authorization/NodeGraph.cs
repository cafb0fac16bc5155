using k8s.Models;

namespace LocalKube.Node.ApiServer.Authorization;

/// <summary>
/// Upstream's node authorizer graph, kept as reference counts rather than a general graph (the paths are short and
/// fixed): node ← pod ← secret/configmap/pvc/serviceaccount/resourceclaim, node ← pod ← pvc ← pv ← secret, and
/// node ← volumeattachment. Only pods bound to a node count. An object is related to a node when a path leads from it
/// to the node; a referenced object need not exist (so its read is a 404, not a 403). Thread-safe.
/// </summary>
public sealed class NodeGraph
{
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Pods bound to a node: (namespace, name) → node and what the pod references.
    private readonly Dictionary<(string Ns, string Name), PodEntry> _pods = [];

    // Referenced object → node → how many pods bound to that node reference it.
    private readonly Dictionary<NodeGraphVertex, Dictionary<string, int>> _referencedBy = [];

    // PersistentVolumes by name, the claims they are bound to, and the secrets they name.
    private readonly Dictionary<string, VolumeEntry> _volumes = new(StringComparer.Ordinal);
    private readonly Dictionary<NodeGraphVertex, HashSet<string>> _volumesBySecret = [];

    // VolumeAttachments by name → node.
    private readonly Dictionary<string, string> _attachments = new(StringComparer.Ordinal);
    private readonly HashSet<string> _loaded = new(StringComparer.Ordinal);

    /// <summary>The sources (<c>pods</c>, <c>persistentvolumes</c>, <c>volumeattachments</c>) that must load before the graph is synced.</summary>
    public static IReadOnlyList<string> Sources { get; } = ["pods", "persistentvolumes", "volumeattachments"];

    /// <summary>Completes once every source has loaded its initial list.</summary>
    public Task Synced => _synced.Task;

    /// <summary>Whether a path leads from <paramref name="vertex"/> to <paramref name="node"/>.</summary>
    public bool HasPath(string node, NodeGraphVertex vertex)
    {
        ArgumentNullException.ThrowIfNull(node);
        lock (_gate)
        {
            return vertex.Kind switch
            {
                NodeGraphKind.Pod => _pods.TryGetValue((vertex.Namespace, vertex.Name), out var pod) && pod.Node == node,
                NodeGraphKind.PersistentVolume => _volumes.TryGetValue(vertex.Name, out var pv) && pv.Claim is { } claim && Referenced(node, claim),
                NodeGraphKind.VolumeAttachment => _attachments.TryGetValue(vertex.Name, out var attached) && attached == node,
                NodeGraphKind.Secret => Referenced(node, vertex) || ThroughVolume(node, vertex),
                _ => Referenced(node, vertex),
            };
        }
    }

    /// <summary>Marks <paramref name="source"/> as loaded; the graph is synced once all <see cref="Sources"/> are.</summary>
    public void MarkLoaded(string source)
    {
        lock (_gate)
        {
            _loaded.Add(source);
            if (Sources.All(_loaded.Contains))
            {
                _synced.TrySetResult();
            }
        }
    }

    /// <summary>Adds, replaces or (when <paramref name="removed"/>) removes a pod.</summary>
    public void SetPod(V1Pod pod, bool removed)
    {
        ArgumentNullException.ThrowIfNull(pod);
        lock (_gate)
        {
            SetPodLocked(pod, removed);
        }
    }

    /// <summary>Replaces every pod with <paramref name="pods"/> (a relist).</summary>
    public void ReplacePods(IEnumerable<V1Pod> pods)
    {
        ArgumentNullException.ThrowIfNull(pods);
        lock (_gate)
        {
            _pods.Clear();
            _referencedBy.Clear();
            foreach (var pod in pods)
            {
                SetPodLocked(pod, removed: false);
            }
        }
    }

    // Under _gate.
    private void SetPodLocked(V1Pod pod, bool removed)
    {
        var key = (pod.Metadata?.NamespaceProperty ?? "", pod.Metadata?.Name ?? "");
        var node = pod.Spec?.NodeName;
        if (_pods.Remove(key, out var old))
        {
            foreach (var reference in old.References)
            {
                Unreference(reference, old.Node);
            }
        }

        if (removed || string.IsNullOrEmpty(node))
        {
            return;
        }

        var entry = new PodEntry(node, NodeGraphReferences.OfPod(pod));
        _pods[key] = entry;
        foreach (var reference in entry.References)
        {
            var counts = Lookup(_referencedBy, reference);
            counts[node] = counts.GetValueOrDefault(node) + 1;
        }
    }

    /// <summary>Adds, replaces or (when <paramref name="removed"/>) removes a PersistentVolume.</summary>
    public void SetVolume(V1PersistentVolume pv, bool removed)
    {
        ArgumentNullException.ThrowIfNull(pv);
        lock (_gate)
        {
            SetVolumeLocked(pv, removed);
        }
    }

    /// <summary>Replaces every PersistentVolume with <paramref name="volumes"/> (a relist).</summary>
    public void ReplaceVolumes(IEnumerable<V1PersistentVolume> volumes)
    {
        ArgumentNullException.ThrowIfNull(volumes);
        lock (_gate)
        {
            _volumes.Clear();
            _volumesBySecret.Clear();
            foreach (var pv in volumes)
            {
                SetVolumeLocked(pv, removed: false);
            }
        }
    }

    // Under _gate.
    private void SetVolumeLocked(V1PersistentVolume pv, bool removed)
    {
        var name = pv.Metadata?.Name ?? "";
        if (_volumes.Remove(name, out var old))
        {
            foreach (var secret in old.Secrets)
            {
                if (_volumesBySecret.TryGetValue(secret, out var names) && names.Remove(name) && names.Count == 0)
                {
                    _volumesBySecret.Remove(secret);
                }
            }
        }

        if (removed)
        {
            return;
        }

        var claimRef = pv.Spec?.ClaimRef;
        var claim = string.IsNullOrEmpty(claimRef?.Name)
            ? (NodeGraphVertex?)null
            : new NodeGraphVertex(NodeGraphKind.PersistentVolumeClaim, claimRef.NamespaceProperty ?? "", claimRef.Name);
        var entry = new VolumeEntry(claim, NodeGraphReferences.SecretsOfVolume(pv));
        _volumes[name] = entry;
        foreach (var secret in entry.Secrets)
        {
            (_volumesBySecret.TryGetValue(secret, out var names) ? names : _volumesBySecret[secret] = new HashSet<string>(StringComparer.Ordinal)).Add(name);
        }
    }

    /// <summary>Adds, replaces or (when <paramref name="removed"/>) removes a VolumeAttachment.</summary>
    public void SetAttachment(V1VolumeAttachment attachment, bool removed)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        lock (_gate)
        {
            SetAttachmentLocked(attachment, removed);
        }
    }

    /// <summary>Replaces every VolumeAttachment with <paramref name="attachments"/> (a relist).</summary>
    public void ReplaceAttachments(IEnumerable<V1VolumeAttachment> attachments)
    {
        ArgumentNullException.ThrowIfNull(attachments);
        lock (_gate)
        {
            _attachments.Clear();
            foreach (var a in attachments)
            {
                SetAttachmentLocked(a, removed: false);
            }
        }
    }

    // Under _gate.
    private void SetAttachmentLocked(V1VolumeAttachment attachment, bool removed)
    {
        var name = attachment.Metadata?.Name ?? "";
        if (removed || string.IsNullOrEmpty(attachment.Spec?.NodeName))
        {
            _attachments.Remove(name);
        }
        else
        {
            _attachments[name] = attachment.Spec.NodeName;
        }
    }

    // Under _gate.
    private bool Referenced(string node, NodeGraphVertex vertex) =>
        _referencedBy.TryGetValue(vertex, out var counts) && counts.ContainsKey(node);

    // Under _gate: node ← pod ← pvc ← pv ← secret.
    private bool ThroughVolume(string node, NodeGraphVertex secret)
    {
        if (!_volumesBySecret.TryGetValue(secret, out var names))
        {
            return false;
        }

        foreach (var name in names)
        {
            if (_volumes.TryGetValue(name, out var pv) && pv.Claim is { } claim && Referenced(node, claim))
            {
                return true;
            }
        }

        return false;
    }

    // Under _gate.
    private void Unreference(NodeGraphVertex reference, string node)
    {
        if (!_referencedBy.TryGetValue(reference, out var counts) || !counts.TryGetValue(node, out var count))
        {
            return;
        }

        if (count > 1)
        {
            counts[node] = count - 1;
            return;
        }

        counts.Remove(node);
        if (counts.Count == 0)
        {
            _referencedBy.Remove(reference);
        }
    }

    private static Dictionary<string, int> Lookup(Dictionary<NodeGraphVertex, Dictionary<string, int>> map, NodeGraphVertex key) =>
        map.TryGetValue(key, out var value) ? value : map[key] = new Dictionary<string, int>(StringComparer.Ordinal);

    private sealed record PodEntry(string Node, IReadOnlyCollection<NodeGraphVertex> References);

    private sealed record VolumeEntry(NodeGraphVertex? Claim, IReadOnlyCollection<NodeGraphVertex> Secrets);
}
