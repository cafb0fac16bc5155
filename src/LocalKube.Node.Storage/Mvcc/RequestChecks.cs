using LocalKube.Node.Storage.Protocol;

namespace LocalKube.Node.Storage.Mvcc;

/// <summary>
/// The request checks etcd 3.4 makes before a request reaches the store (its v3rpc layer), with the same order
/// and errors.
/// </summary>
internal static class RequestChecks
{
    public static void Range(RangeRequest r)
    {
        if (r.Key.IsEmpty)
        {
            throw EtcdErrors.EmptyKey();
        }
    }

    public static void Put(PutRequest r)
    {
        if (r.Key.IsEmpty)
        {
            throw EtcdErrors.EmptyKey();
        }

        if (r.IgnoreValue && !r.Value.IsEmpty)
        {
            throw EtcdErrors.ValueProvided();
        }

        if (r.IgnoreLease && r.Lease != 0)
        {
            throw EtcdErrors.LeaseProvided();
        }
    }

    public static void Delete(DeleteRangeRequest r)
    {
        if (r.Key.IsEmpty)
        {
            throw EtcdErrors.EmptyKey();
        }
    }

    public static void Txn(TxnRequest r)
    {
        CheckTxn(r, EtcdErrors.MaxTxnOps);
        CheckIntervals(r.Success);
        CheckIntervals(r.Failure);
    }

    private static void CheckTxn(TxnRequest r, int maxOps)
    {
        var ops = Math.Max(r.Compare.Count, Math.Max(r.Success.Count, r.Failure.Count));
        if (ops > maxOps)
        {
            throw EtcdErrors.TooManyOps();
        }

        foreach (var c in r.Compare)
        {
            if (c.Key.IsEmpty)
            {
                throw EtcdErrors.EmptyKey();
            }
        }

        foreach (var op in r.Success.Concat(r.Failure))
        {
            CheckOp(op, maxOps - ops);
        }
    }

    private static void CheckOp(RequestOp op, int maxOps)
    {
        switch (op.RequestCase)
        {
            case RequestOp.RequestOneofCase.RequestRange:
                Range(op.RequestRange);
                break;
            case RequestOp.RequestOneofCase.RequestPut:
                Put(op.RequestPut);
                break;
            case RequestOp.RequestOneofCase.RequestDeleteRange:
                Delete(op.RequestDeleteRange);
                break;
            case RequestOp.RequestOneofCase.RequestTxn:
                CheckTxn(op.RequestTxn, maxOps);
                break;
            default:
                throw EtcdErrors.KeyNotFound();
        }
    }

    /// <summary>
    /// No key may be written twice on one execution path of a txn: two puts, or a put inside a deleted range.
    /// Puts in the two branches of a nested txn may share keys, as only one branch runs.
    /// </summary>
    private static (HashSet<Google.Protobuf.ByteString> Puts, List<KeyRange> Dels) CheckIntervals(IEnumerable<RequestOp> ops)
    {
        var dels = new List<KeyRange>();
        foreach (var op in ops.Where(o => o.RequestCase == RequestOp.RequestOneofCase.RequestDeleteRange))
        {
            dels.Add(new KeyRange(op.RequestDeleteRange.Key, op.RequestDeleteRange.RangeEnd));
        }

        var puts = new HashSet<Google.Protobuf.ByteString>();
        foreach (var op in ops.Where(o => o.RequestCase == RequestOp.RequestOneofCase.RequestTxn))
        {
            var (putsThen, delsThen) = CheckIntervals(op.RequestTxn.Success);
            var (putsElse, delsElse) = CheckIntervals(op.RequestTxn.Failure);
            foreach (var k in putsThen)
            {
                if (puts.Contains(k) || dels.Any(d => d.Contains(k)))
                {
                    throw EtcdErrors.DuplicateKey();
                }

                puts.Add(k);
            }

            foreach (var k in putsElse)
            {
                if ((puts.Contains(k) && !putsThen.Contains(k)) || dels.Any(d => d.Contains(k)))
                {
                    throw EtcdErrors.DuplicateKey();
                }

                puts.Add(k);
            }

            dels.AddRange(delsThen);
            dels.AddRange(delsElse);
        }

        foreach (var op in ops.Where(o => o.RequestCase == RequestOp.RequestOneofCase.RequestPut))
        {
            var k = op.RequestPut.Key;
            if (puts.Contains(k) || dels.Any(d => d.Contains(k)))
            {
                throw EtcdErrors.DuplicateKey();
            }

            puts.Add(k);
        }

        return (puts, dels);
    }

    /// <summary>True when no branch of the txn, at any depth, writes.</summary>
    public static bool IsReadOnly(TxnRequest r) =>
        r.Success.Concat(r.Failure).All(op => op.RequestCase switch
        {
            RequestOp.RequestOneofCase.RequestRange => true,
            RequestOp.RequestOneofCase.RequestTxn => IsReadOnly(op.RequestTxn),
            _ => false,
        });
}
