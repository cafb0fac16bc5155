namespace LocalKube.Node.Controllers.DaemonSet;

/// <summary>
/// Per-node backoff for killing failed daemon pods (upstream's <c>flowcontrol.Backoff</c>, 1 s doubling to
/// 15 min), so a kubelet that keeps rejecting a pod does not make the controller hot-loop.
/// </summary>
public sealed class FailedPodBackoff(TimeProvider time)
{
    private static readonly TimeSpan Initial = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Max = TimeSpan.FromMinutes(15);
    private readonly Dictionary<string, (TimeSpan Delay, DateTime LastUpdate)> _entries = [];
    private readonly Lock _lock = new();

    /// <summary>Whether <paramref name="key"/> is still inside its current delay; the delay when it is.</summary>
    public bool InBackoff(string key, out TimeSpan delay)
    {
        lock (_lock)
        {
            delay = TimeSpan.Zero;
            if (!_entries.TryGetValue(key, out var e))
            {
                return false;
            }

            delay = e.Delay;
            return time.GetUtcNow().UtcDateTime - e.LastUpdate < e.Delay;
        }
    }

    /// <summary>Records one more failure: the delay doubles (reset after twice the max of quiet).</summary>
    public void Next(string key)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow().UtcDateTime;
            if (!_entries.TryGetValue(key, out var e) || now - e.LastUpdate > 2 * Max)
            {
                _entries[key] = (Initial, now);
                return;
            }

            var next = e.Delay * 2;
            _entries[key] = (next > Max ? Max : next, now);
        }
    }

    /// <summary>Forgets keys idle for twice the max delay.</summary>
    public void Prune()
    {
        lock (_lock)
        {
            var now = time.GetUtcNow().UtcDateTime;
            foreach (var key in _entries.Where(e => now - e.Value.LastUpdate > 2 * Max).Select(e => e.Key).ToList())
            {
                _entries.Remove(key);
            }
        }
    }
}
