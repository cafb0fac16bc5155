using LocalKube.Node.Storage.Protocol;

namespace LocalKube.Node.Storage.Mvcc;

/// <summary>
/// The branch a txn takes, decided up front for the whole tree against the state at its start, as etcd does:
/// nested compares do not see the writes of the same txn.
/// </summary>
internal sealed class TxnPath
{
    private TxnPath(bool succeeded, TxnPath?[] children)
    {
        Succeeded = succeeded;
        Children = children;
    }

    public bool Succeeded { get; }

    /// <summary>One entry per op of the chosen branch; set only for nested txns.</summary>
    public TxnPath?[] Children { get; }

    public static TxnPath Compute(MvccIndex index, TxnRequest r, long revision)
    {
        var succeeded = r.Compare.All(c => Holds(index, c, revision));
        var ops = succeeded ? r.Success : r.Failure;
        var children = new TxnPath?[ops.Count];
        for (var i = 0; i < ops.Count; i++)
        {
            if (ops[i].RequestCase == RequestOp.RequestOneofCase.RequestTxn)
            {
                children[i] = Compute(index, ops[i].RequestTxn, revision);
            }
        }

        return new TxnPath(succeeded, children);
    }

    /// <summary>The ops this path runs, paired with the path of each nested txn.</summary>
    public IEnumerable<(RequestOp Op, TxnPath? Child)> Ops(TxnRequest r)
    {
        var ops = Succeeded ? r.Success : r.Failure;
        for (var i = 0; i < ops.Count; i++)
        {
            yield return (ops[i], Children[i]);
        }
    }

    private static bool Holds(MvccIndex index, Compare c, long revision)
    {
        var any = false;
        foreach (var history in index.Scan(new KeyRange(c.Key, c.RangeEnd)))
        {
            var kv = history.At(revision);
            if (kv is null)
            {
                continue;
            }

            any = true;
            if (!CompareOne(c, kv))
            {
                return false;
            }
        }

        // A missing key has no value to compare (etcd cannot tell nil from empty), so VALUE fails; the numeric
        // targets compare against zero.
        return any || (c.Target != Compare.Types.CompareTarget.Value && CompareOne(c, new KeyValue()));
    }

    private static bool CompareOne(Compare c, KeyValue kv)
    {
        var result = c.Target switch
        {
            Compare.Types.CompareTarget.Value => kv.Value.Span.SequenceCompareTo(c.Value.Span),
            Compare.Types.CompareTarget.Create => kv.CreateRevision.CompareTo(c.CreateRevision),
            Compare.Types.CompareTarget.Mod => kv.ModRevision.CompareTo(c.ModRevision),
            Compare.Types.CompareTarget.Lease => kv.Lease.CompareTo(c.Lease),
            _ => kv.Version.CompareTo(c.Version),
        };
        return c.Result switch
        {
            Compare.Types.CompareResult.Equal => result == 0,
            Compare.Types.CompareResult.NotEqual => result != 0,
            Compare.Types.CompareResult.Greater => result > 0,
            Compare.Types.CompareResult.Less => result < 0,
            _ => true,
        };
    }
}
