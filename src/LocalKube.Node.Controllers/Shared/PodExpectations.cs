using System.Collections.Concurrent;

namespace LocalKube.Node.Controllers.Shared;

/// <summary>
/// Upstream's <c>UIDTrackingControllerExpectations</c>: per controller key, how many pod adds are still expected
/// and which pods (namespace/name) are expected to go. A pod's delete counts once, whether seen as a set
/// deletionTimestamp or as the delete itself. Unmet expectations older than 5 minutes are treated as met, so a
/// lost event cannot wedge a controller.
/// </summary>
public sealed class PodExpectations(TimeProvider time)
{
    /// <summary>How long unmet expectations hold.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="key"/> may create or delete again: met, expired or never set.</summary>
    public bool Satisfied(string key)
    {
        if (!_entries.TryGetValue(key, out var e))
        {
            return true;
        }

        lock (e)
        {
            return (e.Adds <= 0 && e.Deletes.Count == 0) || time.GetUtcNow() - e.SetAt > Timeout;
        }
    }

    /// <summary>Expect <paramref name="count"/> adds (replacing what was expected).</summary>
    public void ExpectCreations(string key, int count) => _entries[key] = new Entry(count, [], time.GetUtcNow());

    /// <summary>Expect these pods to be deleted (replacing what was expected).</summary>
    public void ExpectDeletions(string key, IEnumerable<string> podKeys) => _entries[key] = new Entry(0, podKeys.ToHashSet(StringComparer.Ordinal), time.GetUtcNow());

    /// <summary>A pod add was seen (or a create failed or was skipped).</summary>
    public void CreationObserved(string key)
    {
        if (_entries.TryGetValue(key, out var e))
        {
            lock (e)
            {
                e.Adds--;
            }
        }
    }

    /// <summary>A pod delete (or deletionTimestamp) was seen, or its delete failed.</summary>
    public void DeletionObserved(string key, string podKey)
    {
        if (_entries.TryGetValue(key, out var e))
        {
            lock (e)
            {
                e.Deletes.Remove(podKey);
            }
        }
    }

    /// <summary>Forgets the key (its owner is gone).</summary>
    public void Delete(string key) => _entries.TryRemove(key, out _);

    private sealed class Entry(int adds, HashSet<string> deletes, DateTimeOffset setAt)
    {
        public int Adds { get; set; } = adds;

        public HashSet<string> Deletes { get; } = deletes;

        public DateTimeOffset SetAt { get; } = setAt;
    }
}
