using System.Collections.Concurrent;
using LocalKube.Node.Kubelet.Status;

namespace LocalKube.Node.Kubelet.Pods;

/// <summary>The last start failure of each container of each pod (upstream's reason cache).</summary>
internal sealed class ReasonCache
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, WaitingReason>> _byPod = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, WaitingReason> For(string uid) =>
        _byPod.TryGetValue(uid, out var map) ? new Dictionary<string, WaitingReason>(map) : new Dictionary<string, WaitingReason>();

    public void Set(string uid, string container, WaitingReason reason) =>
        _byPod.GetOrAdd(uid, _ => new ConcurrentDictionary<string, WaitingReason>(StringComparer.Ordinal))[container] = reason;

    public void Clear(string uid, string container)
    {
        if (_byPod.TryGetValue(uid, out var map))
        {
            map.TryRemove(container, out _);
        }
    }

    public void Remove(string uid) => _byPod.TryRemove(uid, out _);
}
