using Google.Protobuf;
using LocalKube.Node.Storage.Protocol;

namespace LocalKube.Node.Storage.Mvcc;

/// <summary>
/// Every retained version of one key, oldest first. A deletion is a tombstone: a <see cref="KeyValue"/> with only
/// key and mod_revision set (version 0), exactly what etcd puts in a DELETE event.
/// Versions are never mutated once stored, so readers may hand them out after leaving the lock.
/// </summary>
internal sealed class KeyHistory
{
    // Most keys have a single version; an array grown by hand keeps that case to one small allocation.
    private KeyValue[] _versions;
    private int _count;

    public KeyHistory(ByteString key)
    {
        Key = key;
        _versions = new KeyValue[1];
    }

    public ByteString Key { get; }

    public int Count => _count;

    public KeyValue? Latest => _count == 0 ? null : _versions[_count - 1];

    public ReadOnlySpan<KeyValue> Versions => _versions.AsSpan(0, _count);

    public static bool IsTombstone(KeyValue kv) => kv.Version == 0;

    /// <summary>The live version at <paramref name="revision"/>, or null when absent or deleted then.</summary>
    public KeyValue? At(long revision)
    {
        for (var i = _count - 1; i >= 0; i--)
        {
            var kv = _versions[i];
            if (kv.ModRevision <= revision)
            {
                return IsTombstone(kv) ? null : kv;
            }
        }

        return null;
    }

    public void Append(KeyValue kv)
    {
        // Two changes to one key in one revision (only possible across nested txn branches): the last one wins.
        if (_count > 0 && _versions[_count - 1].ModRevision == kv.ModRevision)
        {
            _versions[_count - 1] = kv;
            return;
        }

        if (_count == _versions.Length)
        {
            Array.Resize(ref _versions, _count * 2);
        }

        _versions[_count++] = kv;
    }

    /// <summary>Drops versions that no read at or after <paramref name="revision"/> can see; returns bytes freed.</summary>
    public long Compact(long revision)
    {
        var keep = -1;
        for (var i = _count - 1; i >= 0; i--)
        {
            if (_versions[i].ModRevision <= revision)
            {
                keep = i;
                break;
            }
        }

        if (keep < 0)
        {
            return 0;
        }

        // A tombstone older than the compaction point hides nothing any more; one at exactly that revision stays
        // so the event log rebuilt after a restart still holds that revision whole.
        var first = IsTombstone(_versions[keep]) && _versions[keep].ModRevision < revision ? keep + 1 : keep;
        if (first == 0)
        {
            return 0;
        }

        long freed = 0;
        for (var i = 0; i < first; i++)
        {
            freed += SizeOf(_versions[i]);
        }

        Array.Copy(_versions, first, _versions, 0, _count - first);
        Array.Clear(_versions, _count - first, first);
        _count -= first;
        return freed;
    }

    /// <summary>The bytes one version costs in quota accounting (key, value and fixed per-version metadata).</summary>
    public static long SizeOf(KeyValue kv) => kv.Key.Length + kv.Value.Length + 48;
}
