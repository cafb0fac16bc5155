using System.Collections.Concurrent;
using k8s.Models;

namespace LocalKube.Node.Controllers.Endpoints;

/// <summary>
/// The <c>endpoints.kubernetes.io/last-change-trigger-time</c> bookkeeping (k/k
/// <c>pkg/controller/util/endpoint/trigger_time_tracker.go</c>): per Service, the pods' Ready transition times and
/// the Service's creation time seen at the last sync; a sync reports the oldest of those that moved since, and
/// nothing the first time a Service is synced.
/// </summary>
internal sealed class TriggerTimeTracker
{
    private readonly ConcurrentDictionary<string, State> _states = new(StringComparer.Ordinal);

    /// <summary>Computes the trigger time of this sync of <paramref name="service"/> and remembers the current state.</summary>
    public DateTime? Compute(V1Service service, IEnumerable<V1Pod> pods)
    {
        var key = service.Metadata.NamespaceProperty + "/" + service.Metadata.Name;
        var known = _states.TryGetValue(key, out var last);
        var current = new State(new Dictionary<string, DateTime>(StringComparer.Ordinal), service.Metadata.CreationTimestamp ?? default);
        DateTime? oldest = null;
        foreach (var pod in pods)
        {
            if (EndpointPods.ReadyTransition(pod) is not { } time)
            {
                continue;
            }

            current.Pods[pod.Metadata.Name] = time;
            if (last is null || !last.Pods.TryGetValue(pod.Metadata.Name, out var before) || time > before)
            {
                oldest = Min(oldest, time);
            }
        }

        if (current.Service > (last?.Service ?? default))
        {
            oldest = Min(oldest, current.Service);
        }

        _states[key] = current;
        return known ? oldest : null;
    }

    /// <summary>Forgets a deleted Service.</summary>
    public void Forget(string key) => _states.TryRemove(key, out _);

    /// <summary>The annotation's value: RFC 3339 with nanoseconds, as Go's <c>time.RFC3339Nano</c>.</summary>
    public static string Format(DateTime time)
    {
        var utc = time.ToUniversalTime();
        var fraction = utc.ToString("fffffff", System.Globalization.CultureInfo.InvariantCulture).TrimEnd('0');
        return utc.ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + (fraction.Length > 0 ? "." + fraction : "") + "Z";
    }

    private static DateTime? Min(DateTime? a, DateTime b) => a is null || b < a ? b : a;

    private sealed record State(Dictionary<string, DateTime> Pods, DateTime Service);
}
