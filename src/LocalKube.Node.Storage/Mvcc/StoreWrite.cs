using Google.Protobuf;
using LocalKube.Node.Storage.Leases;
using LocalKube.Node.Storage.Persistence;
using LocalKube.Node.Storage.Protocol;

namespace LocalKube.Node.Storage.Mvcc;

/// <summary>
/// One write (a put, a delete, a txn or a lease revocation) being applied: every key change shares the revision
/// after <see cref="BeginRevision"/>, and later reads in the same txn see earlier writes. Used under the store lock.
/// </summary>
internal sealed class StoreWrite(MvccIndex index, LeaseTable leases)
{
    private readonly List<KeyValue> _changes = [];

    public long BeginRevision { get; } = index.Revision;

    public long Revision => BeginRevision + 1;

    public WalRecord Record { get; } = new();

    /// <summary>What a read inside this write sees: its own changes once it has made any.</summary>
    public long ReadRevision => _changes.Count > 0 ? Revision : BeginRevision;

    public bool HasChanges => _changes.Count > 0;

    /// <summary>etcd's apply-time checks for the path a txn takes; nothing is changed when they fail.</summary>
    public void CheckPath(TxnRequest r, TxnPath path, bool isWrite)
    {
        foreach (var (op, child) in path.Ops(r))
        {
            switch (op.RequestCase)
            {
                case RequestOp.RequestOneofCase.RequestPut when isWrite:
                    CheckPut(op.RequestPut);
                    break;
                case RequestOp.RequestOneofCase.RequestRange:
                    CheckRangeRevision(op.RequestRange.Revision);
                    break;
                case RequestOp.RequestOneofCase.RequestTxn:
                    CheckPath(op.RequestTxn, child!, isWrite);
                    break;
            }
        }
    }

    public void CheckPut(PutRequest p)
    {
        if ((p.IgnoreValue || p.IgnoreLease) && index.Find(p.Key)?.At(BeginRevision) is null)
        {
            throw EtcdErrors.KeyNotFound();
        }

        if (!p.IgnoreLease && p.Lease != 0 && leases.Find(p.Lease) is null)
        {
            throw EtcdErrors.LeaseNotFound();
        }
    }

    public void CheckRangeRevision(long revision)
    {
        if (revision == 0)
        {
            return;
        }

        if (revision > BeginRevision)
        {
            throw EtcdErrors.FutureRevision();
        }

        if (revision < index.CompactRevision)
        {
            throw EtcdErrors.Compacted();
        }
    }

    public RangeResponse Range(RangeRequest r)
    {
        var response = RangeReader.Read(index, r, r.Revision > 0 ? r.Revision : ReadRevision);
        response.Header = new ResponseHeader { Revision = ReadRevision };
        return response;
    }

    public PutResponse Put(PutRequest r)
    {
        var prev = index.Find(r.Key)?.At(ReadRevision);
        var value = r.IgnoreValue ? prev!.Value : r.Value;
        var lease = r.IgnoreLease ? prev!.Lease : r.Lease;
        if (prev is not null)
        {
            leases.Detach(prev.Lease, r.Key);
        }

        var kv = index.Put(r.Key, value, lease, Revision);
        leases.Attach(lease, r.Key);
        _changes.Add(kv);
        var response = new PutResponse { Header = new ResponseHeader { Revision = Revision } };
        if (r.PrevKv && prev is not null)
        {
            response.PrevKv = prev.Clone();
        }

        return response;
    }

    public DeleteRangeResponse Delete(DeleteRangeRequest r)
    {
        var response = new DeleteRangeResponse();
        var live = index.Scan(new KeyRange(r.Key, r.RangeEnd)).Select(h => h.At(ReadRevision)).OfType<KeyValue>().ToList();
        foreach (var kv in live)
        {
            DeleteKey(kv);
            if (r.PrevKv)
            {
                response.PrevKvs.Add(kv.Clone());
            }
        }

        response.Deleted = live.Count;
        response.Header = new ResponseHeader { Revision = ReadRevision };
        return response;
    }

    public TxnResponse Txn(TxnRequest r, TxnPath path)
    {
        var response = new TxnResponse { Succeeded = path.Succeeded };
        foreach (var (op, child) in path.Ops(r))
        {
            response.Responses.Add(op.RequestCase switch
            {
                RequestOp.RequestOneofCase.RequestRange => new ResponseOp { ResponseRange = Range(op.RequestRange) },
                RequestOp.RequestOneofCase.RequestPut => new ResponseOp { ResponsePut = Put(op.RequestPut) },
                RequestOp.RequestOneofCase.RequestDeleteRange => new ResponseOp { ResponseDeleteRange = Delete(op.RequestDeleteRange) },
                _ => new ResponseOp { ResponseTxn = Txn(op.RequestTxn, child!) },
            });
        }

        response.Header = new ResponseHeader { Revision = ReadRevision };
        return response;
    }

    /// <summary>Deletes every key of a lease in this write and drops the lease.</summary>
    public void RevokeLease(LeaseEntry lease)
    {
        foreach (var key in lease.Keys.OrderBy(k => k, ByteStringComparer.Instance).ToList())
        {
            if (index.Find(key)?.At(ReadRevision) is { } kv)
            {
                DeleteKey(kv);
            }
        }

        leases.Remove(lease.Id);
        Record.LeaseRevokes.Add(lease.Id);
    }

    /// <summary>Publishes the new revision in the index; returns the WAL record, or null when nothing changed.</summary>
    public WalRecord? Commit()
    {
        if (_changes.Count > 0)
        {
            index.CommitRevision(Revision, [.. _changes]);
            Record.Revision = Revision;
            Record.Changes.AddRange(_changes);
        }

        return Record.CalculateSize() == 0 ? null : Record;
    }

    private void DeleteKey(KeyValue kv)
    {
        leases.Detach(kv.Lease, kv.Key);
        _changes.Add(index.Delete(kv.Key, Revision));
    }
}
