namespace LocalKube.Node.Kubelet.Lifecycle;

/// <summary>
/// Per-key exponential back-off as client-go's <c>flowcontrol.Backoff</c> without jitter, which the kubelet uses for
/// crash loops and image pulls: 10 s doubling to 5 min; an entry is forgotten when the event it is asked about comes
/// more than 2 × max after its last update (a container that ran 10 min starts again at 10 s).
/// </summary>
public sealed class Backoff(TimeSpan initial, TimeSpan max, TimeProvider time)
{
    private readonly object _lock = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>The kubelet's container and image back-off: 10 s to 300 s.</summary>
    public static Backoff ForContainers(TimeProvider time) => new(TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(5), time);

    /// <summary>The current delay of <paramref name="key"/> (zero when unknown).</summary>
    public TimeSpan Get(string key)
    {
        lock (_lock)
        {
            return _entries.TryGetValue(key, out var e) ? e.Delay : TimeSpan.Zero;
        }
    }

    /// <summary>Moves <paramref name="key"/> to its next delay (or starts it at the initial one).</summary>
    public void Next(string key, DateTimeOffset eventTime)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(key, out var e) || HasExpired(eventTime, e.LastUpdate))
            {
                e = new Entry { Delay = initial };
                _entries[key] = e;
            }
            else
            {
                e.Delay = TimeSpan.FromTicks(Math.Min(e.Delay.Ticks * 2, max.Ticks));
            }

            e.LastUpdate = time.GetUtcNow();
        }
    }

    /// <summary>True while less than the current delay has passed since <paramref name="eventTime"/>.</summary>
    public bool IsInBackOffSince(string key, DateTimeOffset eventTime)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(key, out var e) || HasExpired(eventTime, e.LastUpdate))
            {
                return false;
            }

            return time.GetUtcNow() - eventTime < e.Delay;
        }
    }

    /// <summary>True while less than the current delay has passed since the last <see cref="Next"/> (image pulls).</summary>
    public bool IsInBackOffSinceUpdate(string key, DateTimeOffset now)
    {
        lock (_lock)
        {
            return _entries.TryGetValue(key, out var e) && !HasExpired(now, e.LastUpdate) && now - e.LastUpdate < e.Delay;
        }
    }

    /// <summary>When the window that started at the last <see cref="Next"/> of <paramref name="key"/> ends (null when unknown).</summary>
    public DateTimeOffset? EndsAfterUpdate(string key)
    {
        lock (_lock)
        {
            return _entries.TryGetValue(key, out var e) ? e.LastUpdate + e.Delay : null;
        }
    }

    /// <summary>When <paramref name="key"/>'s back-off since <paramref name="eventTime"/> ends (null when not in back-off).</summary>
    public DateTimeOffset? EndsAt(string key, DateTimeOffset eventTime)
    {
        lock (_lock)
        {
            return _entries.TryGetValue(key, out var e) && !HasExpired(eventTime, e.LastUpdate) ? eventTime + e.Delay : null;
        }
    }

    /// <summary>Forgets <paramref name="key"/>.</summary>
    public void Reset(string key)
    {
        lock (_lock)
        {
            _entries.Remove(key);
        }
    }

    /// <summary>Drops entries not updated for 2 × max.</summary>
    public void Collect()
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            foreach (var key in _entries.Where(kv => now - kv.Value.LastUpdate > 2 * max).Select(kv => kv.Key).ToList())
            {
                _entries.Remove(key);
            }
        }
    }

    private bool HasExpired(DateTimeOffset eventTime, DateTimeOffset lastUpdate) => eventTime - lastUpdate > 2 * max;

    private sealed class Entry
    {
        public TimeSpan Delay { get; set; }

        public DateTimeOffset LastUpdate { get; set; }
    }
}
