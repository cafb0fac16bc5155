using System.Collections.Concurrent;
using LocalKube.Node.Kubelet.Lifecycle;
using LocalKube.Node.Kubelet.Status;

namespace LocalKube.Node.Kubelet.Probes;

/// <summary>
/// The probers' current results per container instance and kind (upstream's results managers), read by the status
/// generator (started, ready) and the sync planner (liveness, startup). A change calls <see cref="Changed"/>, which
/// the kubelet uses to sync the pod at once.
/// </summary>
public sealed class ProbeResults : IProbeStatus, IProbeVerdicts
{
    private readonly ConcurrentDictionary<(string ContainerId, ProbeKind Kind), bool> _results = new();

    /// <summary>Called with (pod UID, kind) when a stored result changes.</summary>
    public event Action<string, ProbeKind>? Changed;

    /// <summary>The result, or null when none is stored.</summary>
    public bool? Get(string containerId, ProbeKind kind) => _results.TryGetValue((containerId, kind), out var v) ? v : null;

    /// <summary>Stores a result; null removes it.</summary>
    public void Set(string containerId, ProbeKind kind, bool? value, string podUid)
    {
        bool changed;
        if (value is null)
        {
            changed = _results.TryRemove((containerId, kind), out _);
        }
        else
        {
            var previous = Get(containerId, kind);
            _results[(containerId, kind)] = value.Value;
            changed = previous != value;
        }

        if (changed)
        {
            Changed?.Invoke(podUid, kind);
        }
    }

    /// <summary>Forgets every result of a container instance.</summary>
    public void Remove(string containerId)
    {
        foreach (var kind in Enum.GetValues<ProbeKind>())
        {
            _results.TryRemove((containerId, kind), out _);
        }
    }

    /// <inheritdoc />
    public bool? Startup(string containerId) => Get(containerId, ProbeKind.Startup);

    /// <inheritdoc />
    public bool? Readiness(string containerId) => Get(containerId, ProbeKind.Readiness);

    /// <inheritdoc />
    public bool? Liveness(string containerId) => Get(containerId, ProbeKind.Liveness);
}
