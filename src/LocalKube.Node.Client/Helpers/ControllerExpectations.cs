using System.Collections.Concurrent;

namespace LocalKube.Node.Client.Helpers;

/// <summary>
/// Upstream's <c>ControllerExpectations</c>: before a controller creates or deletes N objects for a key it says so;
/// the informer's add and delete handlers count them off; until they are all seen (or
/// <see cref="Timeout"/> passes) <see cref="Satisfied"/> is false and the controller does not act on its lagging
/// cache, so it never creates twice.
/// </summary>
public sealed class ControllerExpectations(TimeProvider time)
{
    /// <summary>How long unmet expectations hold (upstream's <c>ExpectationsTimeout</c>, 5 minutes).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, Expectation> _expectations = new(StringComparer.Ordinal);

    /// <summary>
    /// Whether the controller may act on <paramref name="key"/>: no expectations, all of them observed, or expired.
    /// </summary>
    public bool Satisfied(string key)
    {
        if (!_expectations.TryGetValue(key, out var e))
        {
            return true;
        }

        return e.Fulfilled || time.GetUtcNow() - e.SetAt > Timeout;
    }

    /// <summary>Expects <paramref name="adds"/> creations and <paramref name="deletes"/> deletions for <paramref name="key"/> (replacing older ones).</summary>
    public void Set(string key, int adds, int deletes) => _expectations[key] = new Expectation(adds, deletes, time.GetUtcNow());

    /// <summary>Expects <paramref name="adds"/> creations.</summary>
    public void ExpectCreations(string key, int adds) => Set(key, adds, 0);

    /// <summary>Expects <paramref name="deletes"/> deletions.</summary>
    public void ExpectDeletions(string key, int deletes) => Set(key, 0, deletes);

    /// <summary>One expected creation was seen (or will never happen: a create failed).</summary>
    public void CreationObserved(string key) => Lower(key, 1, 0);

    /// <summary>One expected deletion was seen (or will never happen).</summary>
    public void DeletionObserved(string key) => Lower(key, 0, 1);

    /// <summary>Adds to the outstanding creations and deletions of <paramref name="key"/>.</summary>
    public void Raise(string key, int adds, int deletes)
    {
        if (_expectations.TryGetValue(key, out var e))
        {
            e.Add(adds, deletes);
        }
    }

    /// <summary>Forgets <paramref name="key"/> (its owner was deleted).</summary>
    public void Delete(string key) => _expectations.TryRemove(key, out _);

    /// <summary>The outstanding creations and deletions of <paramref name="key"/>, if any are set.</summary>
    public (int Adds, int Deletes)? Get(string key) =>
        _expectations.TryGetValue(key, out var e) ? (e.Adds, e.Deletes) : null;

    private void Lower(string key, int adds, int deletes)
    {
        if (_expectations.TryGetValue(key, out var e))
        {
            e.Add(-adds, -deletes);
        }
    }

    private sealed class Expectation(int adds, int deletes, DateTimeOffset setAt)
    {
        private int _adds = adds;
        private int _deletes = deletes;

        public DateTimeOffset SetAt { get; } = setAt;

        public int Adds => Volatile.Read(ref _adds);

        public int Deletes => Volatile.Read(ref _deletes);

        public bool Fulfilled => Adds <= 0 && Deletes <= 0;

        public void Add(int adds, int deletes)
        {
            Interlocked.Add(ref _adds, adds);
            Interlocked.Add(ref _deletes, deletes);
        }
    }
}
