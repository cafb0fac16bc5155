using System.Collections.Concurrent;
using LocalKube.Node.Controllers.Shared;

namespace LocalKube.Node.Controllers.Job;

/// <summary>
/// The Job controller's two kinds of expectations: pod adds and deletes (by count, as upstream's Job controller
/// keeps them), and pods whose tracking finalizer it removed but whose update the cache has not shown yet
/// (<c>uidTrackingExpectations</c>), so a finished pod is never counted twice.
/// </summary>
public sealed class JobExpectations(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, int> _deletes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _finalizers = new(StringComparer.Ordinal);

    /// <summary>Pod adds (and the expiry).</summary>
    public PodExpectations Pods { get; } = new(time);

    /// <summary>Whether the Job may create or delete again.</summary>
    public bool Satisfied(string key) => Pods.Satisfied(key) && _deletes.GetValueOrDefault(key) <= 0;

    /// <summary>Expect <paramref name="count"/> pod deletes.</summary>
    public void ExpectDeletions(string key, int count) => _deletes[key] = count;

    /// <summary>A pod of the Job was seen deleted or deleting (or its delete failed).</summary>
    public void DeletionObserved(string key) => _deletes.AddOrUpdate(key, 0, (_, n) => Math.Max(0, n - 1));

    /// <summary>The finalizer of <paramref name="podUid"/> is being removed.</summary>
    public void ExpectFinalizerRemoved(string key, string podUid) => _finalizers.GetOrAdd(key, _ => new(StringComparer.Ordinal))[podUid] = 0;

    /// <summary>The cache shows the pod without the finalizer (or gone), or the removal failed.</summary>
    public void FinalizerRemoved(string key, string podUid)
    {
        if (_finalizers.TryGetValue(key, out var set))
        {
            set.TryRemove(podUid, out _);
        }
    }

    /// <summary>The pods whose finalizer removal is not yet seen.</summary>
    public IReadOnlySet<string> PendingFinalizerRemovals(string key) =>
        _finalizers.TryGetValue(key, out var set) ? set.Keys.ToHashSet(StringComparer.Ordinal) : new HashSet<string>();

    /// <summary>Forgets the Job.</summary>
    public void Delete(string key)
    {
        Pods.Delete(key);
        _deletes.TryRemove(key, out _);
        _finalizers.TryRemove(key, out _);
    }
}
