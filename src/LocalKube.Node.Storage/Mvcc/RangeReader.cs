using LocalKube.Node.Storage.Protocol;

namespace LocalKube.Node.Storage.Mvcc;

/// <summary>Evaluates a <see cref="RangeRequest"/> against the index the way etcd 3.4's applier does.</summary>
internal static class RangeReader
{
    /// <summary>
    /// Reads at <paramref name="revision"/> (already validated against compaction and the current revision).
    /// The header is left to the caller.
    /// </summary>
    public static RangeResponse Read(MvccIndex index, RangeRequest r, long revision)
    {
        var range = new KeyRange(r.Key, r.RangeEnd);
        var filtered = r.MinModRevision != 0 || r.MaxModRevision != 0 || r.MinCreateRevision != 0 || r.MaxCreateRevision != 0;

        // etcd fetches everything when it must sort or filter, then truncates; otherwise one past the limit.
        var fetchLimit = r.SortOrder != RangeRequest.Types.SortOrder.None || filtered ? 0 : r.Limit > 0 ? r.Limit + 1 : 0;
        var response = new RangeResponse();
        var kvs = new List<KeyValue>();
        long count = 0;
        foreach (var history in index.Scan(range))
        {
            var kv = history.At(revision);
            if (kv is null)
            {
                continue;
            }

            // etcd's count is of every live key in the range, before filters and limit.
            count++;
            if (r.CountOnly || (fetchLimit > 0 && kvs.Count >= fetchLimit))
            {
                continue;
            }

            kvs.Add(kv);
        }

        if (filtered)
        {
            kvs.RemoveAll(kv =>
                (r.MaxModRevision != 0 && kv.ModRevision > r.MaxModRevision) ||
                (r.MinModRevision != 0 && kv.ModRevision < r.MinModRevision) ||
                (r.MaxCreateRevision != 0 && kv.CreateRevision > r.MaxCreateRevision) ||
                (r.MinCreateRevision != 0 && kv.CreateRevision < r.MinCreateRevision));
        }

        Sort(kvs, r);
        if (r.Limit > 0 && kvs.Count > r.Limit)
        {
            kvs.RemoveRange((int)r.Limit, kvs.Count - (int)r.Limit);
            response.More = true;
        }

        response.Count = count;
        foreach (var kv in kvs)
        {
            // Stored versions are shared; a clone keeps callers from changing the store through a response.
            var copy = kv.Clone();
            if (r.KeysOnly)
            {
                copy.Value = Google.Protobuf.ByteString.Empty;
            }

            response.Kvs.Add(copy);
        }

        return response;
    }

    private static void Sort(List<KeyValue> kvs, RangeRequest r)
    {
        var order = r.SortOrder;

        // Results come in key order already; etcd sorts ascending by default only for another target.
        if (r.SortTarget != RangeRequest.Types.SortTarget.Key && order == RangeRequest.Types.SortOrder.None)
        {
            order = RangeRequest.Types.SortOrder.Ascend;
        }

        if (order == RangeRequest.Types.SortOrder.None)
        {
            return;
        }

        Comparison<KeyValue> compare = r.SortTarget switch
        {
            RangeRequest.Types.SortTarget.Version => (a, b) => a.Version.CompareTo(b.Version),
            RangeRequest.Types.SortTarget.Create => (a, b) => a.CreateRevision.CompareTo(b.CreateRevision),
            RangeRequest.Types.SortTarget.Mod => (a, b) => a.ModRevision.CompareTo(b.ModRevision),
            RangeRequest.Types.SortTarget.Value => (a, b) => a.Value.Span.SequenceCompareTo(b.Value.Span),
            _ => (a, b) => a.Key.Span.SequenceCompareTo(b.Key.Span),
        };

        // A stable sort, as Go's sort.Sort is not but ties in etcd come out in key order in practice.
        var sorted = order == RangeRequest.Types.SortOrder.Descend
            ? kvs.OrderByDescending(k => k, Comparer<KeyValue>.Create(compare)).ToList()
            : kvs.OrderBy(k => k, Comparer<KeyValue>.Create(compare)).ToList();
        kvs.Clear();
        kvs.AddRange(sorted);
    }
}
