using System.Security.Cryptography;
using LocalKube.Node.Storage.Leases;
using LocalKube.Node.Storage.Mvcc;
using LocalKube.Node.Storage.Persistence;
using LocalKube.Node.Storage.Protocol;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Storage;

/// <summary>Lease operations of the embedded store.</summary>
public sealed partial class EmbeddedKeyValueStore
{
    public Task<LeaseGrantResponse> LeaseGrantAsync(LeaseGrantRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.TTL > EtcdErrors.MaxLeaseTtl)
        {
            throw EtcdErrors.LeaseTtlTooLarge();
        }

        lock (_gate)
        {
            // With the NOSPACE alarm raised etcd refuses new leases as it refuses puts.
            if (_nospace)
            {
                throw EtcdErrors.NoSpace();
            }
        }

        return WriteAsync(ctx =>
        {
            var id = request.ID;
            if (id == 0)
            {
                do
                {
                    id = RandomNumberGenerator.GetInt32(1, int.MaxValue) * (long)int.MaxValue + RandomNumberGenerator.GetInt32(int.MaxValue);
                }
                while (_leases.Find(id) is not null);
            }
            else if (_leases.Find(id) is not null)
            {
                throw EtcdErrors.LeaseExists();
            }

            var lease = _leases.Grant(id, request.TTL, _time.GetUtcNow());
            ctx.Record.LeaseGrants.Add(new WalLease { Id = id, Ttl = lease.Ttl });
            return new LeaseGrantResponse { Header = new ResponseHeader { Revision = ctx.BeginRevision }, ID = id, TTL = lease.Ttl };
        }, r => r.Header, cancellationToken);
    }

    public Task<LeaseRevokeResponse> LeaseRevokeAsync(LeaseRevokeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return WriteAsync(ctx =>
        {
            var lease = _leases.Find(request.ID) ?? throw EtcdErrors.LeaseNotFound();
            ctx.RevokeLease(lease);
            return new LeaseRevokeResponse { Header = new ResponseHeader { Revision = ctx.ReadRevision } };
        }, r => r.Header, cancellationToken);
    }

    public Task<LeaseKeepAliveResponse> LeaseKeepAliveAsync(LeaseKeepAliveRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var response = new LeaseKeepAliveResponse { Header = Header(Revision), ID = request.ID };
            if (_leases.Find(request.ID) is { } lease)
            {
                lease.ExpiresAt = _time.GetUtcNow().AddSeconds(lease.Ttl);
                response.TTL = lease.Ttl;
            }

            return Task.FromResult(response);
        }
    }

    public Task<LeaseTimeToLiveResponse> LeaseTimeToLiveAsync(LeaseTimeToLiveRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var response = new LeaseTimeToLiveResponse { Header = Header(Revision), ID = request.ID, TTL = -1 };
            if (_leases.Find(request.ID) is { } lease)
            {
                response.TTL = lease.RemainingSeconds(_time.GetUtcNow());
                response.GrantedTTL = lease.Ttl;
                if (request.Keys)
                {
                    response.Keys.AddRange(lease.Keys.OrderBy(k => k, ByteStringComparer.Instance));
                }
            }

            return Task.FromResult(response);
        }
    }

    public Task<LeaseLeasesResponse> LeaseLeasesAsync(LeaseLeasesRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var response = new LeaseLeasesResponse { Header = Header(Revision) };
            response.Leases.AddRange(_leases.All.Select(l => new LeaseStatus { ID = l.Id }));
            return Task.FromResult(response);
        }
    }

    /// <summary>Revokes expired leases, deleting each one's keys in one revision, like etcd's lessor.</summary>
    private async Task ExpireLeasesAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(_options.LeaseCheckInterval, _time);
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            List<long> expired;
            lock (_gate)
            {
                expired = _leases.Expired(_time.GetUtcNow());
            }

            foreach (var id in expired)
            {
                try
                {
                    await WriteAsync(ctx =>
                    {
                        if (_leases.Find(id) is { } lease && lease.ExpiresAt <= _time.GetUtcNow())
                        {
                            ctx.RevokeLease(lease);
                        }

                        return new LeaseRevokeResponse { Header = new ResponseHeader() };
                    }, r => r.Header, ct).ConfigureAwait(false);
                }
                catch (Grpc.Core.RpcException e)
                {
                    // A store that cannot write cannot revoke; the lease stays and is retried on the next tick.
                    _logger.LogWarning("Lease {Lease} expired but could not be revoked: {Reason}", id, e.Status.Detail);
                }
            }
        }
    }

    private void LoadSnapshot(SnapshotHeader header, List<KeyValue> versions)
    {
        foreach (var lease in header.Leases)
        {
            _leases.Grant(lease.Id, lease.Ttl, _time.GetUtcNow());
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        foreach (var kv in versions)
        {
            _index.Restore(kv);
        }

        var restored = clock.Elapsed;
        _index.FinishRestore(header.Revision, header.CompactRevision);
        _logger.LogDebug("Snapshot indexed: {Versions} versions in {RestoreMs:F0} ms, change log rebuilt in {LogMs:F0} ms", versions.Count, restored.TotalMilliseconds, (clock.Elapsed - restored).TotalMilliseconds);
        _nospace = header.NospaceAlarm;
        foreach (var history in _index.AllHistories)
        {
            if (history.Latest is { Lease: not 0 } latest && !KeyHistory.IsTombstone(latest))
            {
                _leases.Attach(latest.Lease, latest.Key);
            }
        }
    }

    private void Replay(WalRecord record)
    {
        foreach (var grant in record.LeaseGrants)
        {
            _leases.Grant(grant.Id, grant.Ttl, _time.GetUtcNow());
        }

        if (record.Changes.Count > 0)
        {
            // Checked before anything is applied: a record whose checksum holds but whose content was damaged (or a
            // segment out of order) must stop the open with a clear error, not fail half-way in the index.
            if (record.Revision != _index.Revision + 1)
            {
                throw new InvalidDataException($"record of revision {record.Revision} does not follow revision {_index.Revision}");
            }

            foreach (var kv in record.Changes)
            {
                if (_index.Find(kv.Key)?.Latest is { } prev && !KeyHistory.IsTombstone(prev))
                {
                    _leases.Detach(prev.Lease, kv.Key);
                }

                _index.Restore(kv);
                if (!KeyHistory.IsTombstone(kv))
                {
                    _leases.Attach(kv.Lease, kv.Key);
                }
            }

            _index.CommitRevision(record.Revision, [.. record.Changes]);
        }

        foreach (var id in record.LeaseRevokes)
        {
            _leases.Remove(id);
        }

        if (record.CompactRevision > 0)
        {
            _index.Compact(record.CompactRevision);
        }

        _nospace = record.Alarm switch
        {
            1 => true,
            2 => false,
            _ => _nospace,
        };
    }
}
