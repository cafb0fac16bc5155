using LocalKube.Node.Storage.Mvcc;
using LocalKube.Node.Storage.Persistence;
using LocalKube.Node.Storage.Protocol;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Storage;

/// <summary>Quota, compaction, alarms, status and snapshots of the embedded store.</summary>
public sealed partial class EmbeddedKeyValueStore
{
    /// <summary>The version reported by Maintenance.Status: the etcd API level we implement.</summary>
    public const string CompatibleVersion = "3.4.0";

    public Task<StatusResponse> StatusAsync(StatusRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var response = new StatusResponse
            {
                Header = Header(Revision),
                Version = CompatibleVersion,
                DbSize = _wal.DiskBytes,
                DbSizeInUse = _index.Bytes,
                Leader = MemberId,
                RaftIndex = (ulong)_wal.DurableSeq,
                RaftAppliedIndex = (ulong)_wal.DurableSeq,
                RaftTerm = 1,
            };
            if (_nospace)
            {
                response.Errors.Add($"memberID:{MemberId} alarm:NOSPACE ");
            }

            return Task.FromResult(response);
        }
    }

    public Task<AlarmResponse> AlarmAsync(AlarmRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return WriteAsync(ctx =>
        {
            var nospace = request.Alarm is AlarmType.Nospace or AlarmType.None;
            switch (request.Action)
            {
                case AlarmRequest.Types.AlarmAction.Activate when request.Alarm == AlarmType.Nospace:
                    _nospace = true;
                    ctx.Record.Alarm = 1;
                    break;
                case AlarmRequest.Types.AlarmAction.Deactivate when nospace && _nospace:
                    _nospace = false;
                    ctx.Record.Alarm = 2;
                    break;
            }

            var response = new AlarmResponse { Header = new ResponseHeader { Revision = ctx.BeginRevision } };
            if (_nospace || (request.Action == AlarmRequest.Types.AlarmAction.Deactivate && ctx.Record.Alarm == 2))
            {
                response.Alarms.Add(new AlarmMember { MemberID = MemberId, Alarm = AlarmType.Nospace });
            }

            return response;
        }, r => r.Header, cancellationToken);
    }

    /// <summary>
    /// etcd's quota check: once the backend would pass the quota, raise NOSPACE and refuse writes that add data
    /// until the alarm is disarmed. Deletes, reads and compaction still work.
    /// </summary>
    private void CheckQuota(long cost)
    {
        lock (_gate)
        {
            if (_nospace)
            {
                throw EtcdErrors.NoSpace();
            }

            if (_index.Bytes + cost <= _options.QuotaBackendBytes)
            {
                return;
            }

            _nospace = true;
            if (_wal.Failure is null)
            {
                // The alarm is durable like etcd's (it lives in its backend); we do not wait for it.
                _ = _wal.Append(new WalRecord { Alarm = 1 }, 0);
            }

            _logger.LogWarning("Backend quota of {Quota} bytes exceeded; NOSPACE alarm raised", _options.QuotaBackendBytes);
            throw EtcdErrors.NoSpace();
        }
    }

    private void CompactLocked(StoreWrite ctx, long revision)
    {
        var freed = _index.Compact(revision);
        ctx.Record.CompactRevision = revision;

        // Rewriting the snapshot is what gives the space back on disk.
        _wal.RequestSnapshot();
        _logger.LogInformation("Compacted at revision {Revision}: {Bytes} bytes of history freed", revision, freed);
    }

    /// <summary>
    /// etcd's periodic auto-compaction: sample the revision every tenth of the window, and compact to the
    /// revision that was current one window ago.
    /// </summary>
    private async Task AutoCompactAsync(CancellationToken ct)
    {
        var retention = _options.AutoCompactionRetention;
        if (retention <= TimeSpan.Zero)
        {
            return;
        }

        var samples = new Queue<(DateTimeOffset At, long Revision)>();
        var period = TimeSpan.FromTicks(Math.Max(retention.Ticks / 10, TimeSpan.FromMilliseconds(100).Ticks));
        using var timer = new PeriodicTimer(period, _time);
        samples.Enqueue((_time.GetUtcNow(), Revision));
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            var now = _time.GetUtcNow();
            samples.Enqueue((now, Revision));
            long target = 0;
            while (samples.Count > 0 && samples.Peek().At <= now - retention)
            {
                target = samples.Dequeue().Revision;
            }

            if (target <= 0)
            {
                continue;
            }

            try
            {
                lock (_gate)
                {
                    if (target <= _index.CompactRevision)
                    {
                        continue;
                    }
                }

                await CompactAsync(new CompactionRequest { Revision = target }, ct).ConfigureAwait(false);
            }
            catch (Grpc.Core.RpcException e)
            {
                _logger.LogWarning("Auto-compaction at {Revision} failed: {Reason}", target, e.Status.Detail);
            }
        }
    }

    /// <summary>Copies the state for a snapshot (called by the WAL writer); cheap: versions are shared.</summary>
    private (StoreState State, long Seq) CaptureState()
    {
        lock (_gate)
        {
            var header = new SnapshotHeader
            {
                Revision = _index.Revision,
                CompactRevision = _index.CompactRevision,
                NospaceAlarm = _nospace,
            };
            header.Leases.AddRange(_leases.All.Select(l => new WalLease { Id = l.Id, Ttl = l.Ttl }));
            var keys = new List<KeyValue[]>(_index.KeyCount);
            long count = 0;
            foreach (var history in _index.AllHistories)
            {
                var versions = history.Versions.ToArray();
                count += versions.Length;
                keys.Add(versions);
            }

            header.VersionCount = count;
            return (new StoreState(header, keys), _wal.EnqueuedSeq);
        }
    }
}
