using Google.Protobuf;
using LocalKube.Node.Storage.Protocol;

namespace LocalKube.Node.Storage.Mvcc;

/// <summary>
/// The in-memory multi-version state: every retained version of every key, ordered by key, plus a log of the
/// changes made at each revision (what watchers replay). Not thread-safe: the owning store serialises access.
/// </summary>
internal sealed class MvccIndex
{
    private static readonly KeyValue[] NoChanges = [];
    private readonly Dictionary<ByteString, KeyHistory> _byKey = new();
    private readonly SortedSet<KeyHistory> _ordered = new(Comparer<KeyHistory>.Create((a, b) => ByteStringComparer.Instance.Compare(a.Key, b.Key)));

    // _log[i] holds the changes made at revision _logStart + i.
    private readonly List<KeyValue[]> _log = [NoChanges];
    private long _logStart = 1;

    /// <summary>The newest revision applied (etcd starts an empty store at 1).</summary>
    public long Revision { get; private set; } = 1;

    /// <summary>The revision of the last compaction, 0 when never compacted.</summary>
    public long CompactRevision { get; private set; }

    /// <summary>Quota accounting: bytes held by every retained version.</summary>
    public long Bytes { get; private set; }

    public int KeyCount => _byKey.Count;

    public KeyHistory? Find(ByteString key) => _byKey.GetValueOrDefault(key);

    /// <summary>Histories of the keys in <paramref name="range"/>, in key order (live or not).</summary>
    public IEnumerable<KeyHistory> Scan(KeyRange range)
    {
        if (range.IsSingleKey)
        {
            if (_byKey.TryGetValue(range.Key, out var one))
            {
                yield return one;
            }

            yield break;
        }

        if (_ordered.Count == 0)
        {
            yield break;
        }

        var low = new KeyHistory(range.Key);
        var max = _ordered.Max!;
        var cmp = ByteStringComparer.Instance;
        if (cmp.Compare(range.Key, max.Key) > 0)
        {
            yield break;
        }

        if (!range.IsUnbounded && cmp.Compare(range.Key, range.End) >= 0)
        {
            yield break;
        }

        var high = range.IsUnbounded || cmp.Compare(range.End, max.Key) > 0 ? max : new KeyHistory(range.End);
        foreach (var h in _ordered.GetViewBetween(low, high))
        {
            if (!range.IsUnbounded && cmp.Compare(h.Key, range.End) >= 0)
            {
                yield break;
            }

            yield return h;
        }
    }

    /// <summary>Stores a new version of a key at <paramref name="revision"/> and returns it.</summary>
    public KeyValue Put(ByteString key, ByteString value, long lease, long revision)
    {
        var history = GetOrAdd(key);
        var latest = history.Latest;
        var alive = latest is not null && !KeyHistory.IsTombstone(latest) && latest.ModRevision < revision;

        // A second put in the same revision keeps the first one's create revision and version chain.
        if (latest is not null && latest.ModRevision == revision)
        {
            var before = history.Count > 1 ? history.Versions[^2] : null;
            alive = before is not null && !KeyHistory.IsTombstone(before);
            latest = before;
        }

        var kv = new KeyValue
        {
            Key = key,
            Value = value,
            Lease = lease,
            ModRevision = revision,
            CreateRevision = alive ? latest!.CreateRevision : revision,
            Version = alive ? latest!.Version + 1 : 1,
        };
        Bytes += KeyHistory.SizeOf(kv);
        history.Append(kv);
        return kv;
    }

    /// <summary>Stores a deletion of a key at <paramref name="revision"/> and returns the tombstone.</summary>
    public KeyValue Delete(ByteString key, long revision)
    {
        var tombstone = new KeyValue { Key = key, ModRevision = revision };
        Bytes += KeyHistory.SizeOf(tombstone);
        GetOrAdd(key).Append(tombstone);
        return tombstone;
    }

    /// <summary>Publishes the changes of a new revision (they are already in the key histories).</summary>
    public void CommitRevision(long revision, KeyValue[] changes)
    {
        if (revision != Revision + 1)
        {
            throw new InvalidOperationException($"revision {revision} does not follow {Revision}");
        }

        _log.Add(changes);
        Revision = revision;
    }

    /// <summary>Loads one stored version (snapshot restore), oldest first per key.</summary>
    public void Restore(KeyValue kv)
    {
        Bytes += KeyHistory.SizeOf(kv);
        GetOrAdd(kv.Key).Append(kv);
    }

    /// <summary>After a snapshot restore: sets the revisions and rebuilds the change log from the histories.</summary>
    /// <exception cref="InvalidDataException">The snapshot contradicts itself (a damaged payload behind a valid checksum).</exception>
    public void FinishRestore(long revision, long compactRevision)
    {
        if (compactRevision < 0 || compactRevision > revision || revision - Math.Max(1, compactRevision) + 1 > Array.MaxLength)
        {
            throw new InvalidDataException($"snapshot revision {revision} with compaction at {compactRevision} is impossible");
        }

        Revision = revision;
        CompactRevision = compactRevision;
        _logStart = Math.Max(1, compactRevision);
        var slots = new List<KeyValue>[(int)(revision - _logStart + 1)];
        foreach (var history in _byKey.Values)
        {
            foreach (var kv in history.Versions)
            {
                if (kv.ModRevision > revision)
                {
                    throw new InvalidDataException($"a version of revision {kv.ModRevision} is newer than the snapshot's revision {revision}");
                }

                if (kv.ModRevision >= _logStart)
                {
                    (slots[kv.ModRevision - _logStart] ??= []).Add(kv);
                }
            }
        }

        _log.Clear();
        foreach (var slot in slots)
        {
            _log.Add(slot is null ? NoChanges : [.. slot.OrderBy(k => k.Key, ByteStringComparer.Instance)]);
        }
    }

    /// <summary>The changes made at <paramref name="revision"/>; empty before the retained log.</summary>
    public KeyValue[] ChangesAt(long revision)
    {
        var index = revision - _logStart;
        return index < 0 || index >= _log.Count ? NoChanges : _log[(int)index];
    }

    /// <summary>Removes versions and log entries older than <paramref name="revision"/>; returns bytes freed.</summary>
    public long Compact(long revision)
    {
        long freed = 0;
        List<KeyHistory>? empty = null;
        foreach (var history in _byKey.Values)
        {
            if (history.Count > 1 || (history.Latest is { } l && KeyHistory.IsTombstone(l)))
            {
                freed += history.Compact(revision);
                if (history.Count == 0)
                {
                    (empty ??= []).Add(history);
                }
            }
        }

        foreach (var history in empty ?? [])
        {
            _byKey.Remove(history.Key);
            _ordered.Remove(history);
        }

        var drop = (int)Math.Min(_log.Count, revision - _logStart);
        if (drop > 0)
        {
            _log.RemoveRange(0, drop);
            _logStart += drop;
        }

        CompactRevision = revision;
        Bytes -= freed;
        return freed;
    }

    /// <summary>Every key history (snapshot writing), in no particular order.</summary>
    public IEnumerable<KeyHistory> AllHistories => _byKey.Values;

    private KeyHistory GetOrAdd(ByteString key)
    {
        if (!_byKey.TryGetValue(key, out var history))
        {
            history = new KeyHistory(key);
            _byKey.Add(key, history);
            _ordered.Add(history);
        }

        return history;
    }
}
