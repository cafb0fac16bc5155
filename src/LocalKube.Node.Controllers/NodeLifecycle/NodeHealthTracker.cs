using k8s.Models;

namespace LocalKube.Node.Controllers.NodeLifecycle;

/// <summary>
/// Upstream's <c>tryUpdateNodeHealth</c> (k/k <c>pkg/controller/nodelifecycle</c>): a node whose Ready heartbeat and
/// Lease have not moved for the grace period (the startup grace period if the kubelet never posted) gets Ready,
/// MemoryPressure, DiskPressure and PIDPressure set to Unknown (<c>NodeStatusUnknown</c>, "Kubelet stopped
/// posting node status."), or added as Unknown (<c>NodeStatusNeverUpdated</c>) when missing.
/// </summary>
internal sealed class NodeHealthTracker(TimeSpan gracePeriod, TimeSpan startupGracePeriod)
{
    private static readonly string[] MonitoredConditions = ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"];
    private readonly Dictionary<string, NodeHealth> _health = new(StringComparer.Ordinal);

    /// <summary>The grace period for nodes that posted status (upstream <c>--node-monitor-grace-period</c>).</summary>
    public TimeSpan GracePeriod { get; } = gracePeriod;

    /// <summary>Forgets a deleted node.</summary>
    public void Forget(string node) => _health.Remove(node);

    /// <summary>When <paramref name="node"/> turns Unknown unless the kubelet shows up (for requeueing), or null.</summary>
    public DateTimeOffset? Deadline(string node) =>
        _health.TryGetValue(node, out var h) ? h.ProbeTimestamp + GracePeriod : null;

    /// <summary>Checks <paramref name="node"/> (a copy the caller may write) against its Lease at <paramref name="now"/>.</summary>
    public HealthCheck Check(V1Node node, V1Lease? lease, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(node);
        var name = node.Metadata.Name;
        var status = node.Status ??= new V1NodeStatus();
        var created = node.Metadata.CreationTimestamp ?? now.UtcDateTime;
        _health.TryGetValue(name, out var health);
        var current = Ready(status);
        V1NodeCondition observed;
        TimeSpan grace;
        if (current is null)
        {
            observed = new V1NodeCondition { Type = "Ready", Status = "Unknown", LastHeartbeatTime = created, LastTransitionTime = created };
            grace = startupGracePeriod;
            if (health is null)
            {
                health = new NodeHealth { ProbeTimestamp = created, ReadyTransitionTimestamp = created };
                _health[name] = health;
            }

            health.Status = status;
        }
        else
        {
            observed = Copy(current);
            grace = GracePeriod;
        }

        var saved = health?.Status is { } s ? Ready(s) : null;
        if (health is null || (saved is null && current is not null) || (saved is not null && current is null))
        {
            health = new NodeHealth { Status = status, ProbeTimestamp = now, ReadyTransitionTimestamp = now, LeaseRenewTime = health?.LeaseRenewTime };
        }
        else if (saved is not null && current is not null && saved.LastHeartbeatTime != current.LastHeartbeatTime)
        {
            var transition = saved.LastTransitionTime != current.LastTransitionTime ? now : health.ReadyTransitionTimestamp;
            health = new NodeHealth { Status = status, ProbeTimestamp = now, ReadyTransitionTimestamp = transition, LeaseRenewTime = health.LeaseRenewTime };
        }

        // A renewed Lease is proof of life even when the status did not change.
        var renew = lease?.Spec?.RenewTime;
        if (renew is not null && (health.LeaseRenewTime is null || health.LeaseRenewTime < renew))
        {
            health.LeaseRenewTime = renew;
            health.ProbeTimestamp = now;
        }

        _health[name] = health;
        if (now <= health.ProbeTimestamp + grace)
        {
            return new HealthCheck(observed, current, null);
        }

        foreach (var type in MonitoredConditions)
        {
            var condition = status.Conditions?.FirstOrDefault(c => c.Type == type);
            if (condition is null)
            {
                (status.Conditions ??= []).Add(new V1NodeCondition
                {
                    Type = type, Status = "Unknown", Reason = "NodeStatusNeverUpdated", Message = "Kubelet never posted node status.",
                    LastHeartbeatTime = created, LastTransitionTime = now.UtcDateTime,
                });
            }
            else if (condition.Status != "Unknown")
            {
                condition.Status = "Unknown";
                condition.Reason = "NodeStatusUnknown";
                condition.Message = "Kubelet stopped posting node status.";
                condition.LastTransitionTime = now.UtcDateTime;
            }
        }

        current = Ready(status);
        if (Same(current, observed))
        {
            return new HealthCheck(observed, current, null);
        }

        _health[name] = new NodeHealth { Status = status, ProbeTimestamp = health.ProbeTimestamp, ReadyTransitionTimestamp = now, LeaseRenewTime = health.LeaseRenewTime };
        return new HealthCheck(observed, current, status);
    }

    /// <summary>The Ready condition, or null.</summary>
    public static V1NodeCondition? Ready(V1NodeStatus? status) => status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");

    private static V1NodeCondition Copy(V1NodeCondition c) => new()
    {
        Type = c.Type, Status = c.Status, Reason = c.Reason, Message = c.Message, LastHeartbeatTime = c.LastHeartbeatTime, LastTransitionTime = c.LastTransitionTime,
    };

    private static bool Same(V1NodeCondition? a, V1NodeCondition b) =>
        a is not null && a.Status == b.Status && a.Reason == b.Reason && a.Message == b.Message
        && a.LastHeartbeatTime == b.LastHeartbeatTime && a.LastTransitionTime == b.LastTransitionTime;
}
