using Google.Protobuf;
using LocalKube.Node.Storage.Leases;
using LocalKube.Node.Storage.Mvcc;
using LocalKube.Node.Storage.Persistence;
using LocalKube.Node.Storage.Protocol;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Storage;

/// <summary>
/// The embedded etcd-compatible store: an in-memory MVCC index over a checksummed WAL with snapshots
/// (docs/adr/0001-storage-format.md). A write returns only after its WAL record is fsynced; reads and watches see
/// only durable revisions. Open with <see cref="OpenAsync"/>.
/// </summary>
public sealed partial class EmbeddedKeyValueStore : IKeyValueStore
{
    private readonly object _gate = new();
    private readonly MvccIndex _index = new();
    private readonly LeaseTable _leases = new();
    private readonly RevisionSignal _signal = new();
    private readonly StoreOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeProvider _time;
    private WalWriter _wal = null!;
    private long _committedRevision;
    private bool _nospace;
    private Task _background = Task.CompletedTask;
    private int _disposed;

    private EmbeddedKeyValueStore(StoreOptions options, ulong clusterId, ulong memberId)
    {
        _options = options;
        _time = options.TimeProvider;
        _logger = options.LoggerFactory.CreateLogger<EmbeddedKeyValueStore>();
        ClusterId = clusterId;
        MemberId = memberId;
    }

    /// <summary>The cluster ID put in every response header (random, fixed at first open).</summary>
    public ulong ClusterId { get; }

    /// <summary>The member ID put in every response header (random, fixed at first open).</summary>
    public ulong MemberId { get; }

    /// <summary>
    /// Why the store turned read-only (a WAL or snapshot step failed; see the agent log), or null while writes work.
    /// </summary>
    public string? WriteFailure => _wal?.Failure;

    /// <summary>The newest durable revision.</summary>
    public long Revision => Interlocked.Read(ref _committedRevision);

    internal WalWriter Wal => _wal;

    /// <summary>Opens (or creates) the store in <see cref="StoreOptions.DataDirectory"/> and replays it.</summary>
    public static async Task<EmbeddedKeyValueStore> OpenAsync(StoreOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(options.DataDirectory);
        var (cluster, member) = await MemberIdentity.LoadOrCreateAsync(options.DataDirectory, cancellationToken).ConfigureAwait(false);
        var store = new EmbeddedKeyValueStore(options, cluster, member);

        // Replay is CPU and disk bound; run it off the caller's thread but honour cancellation before it starts.
        cancellationToken.ThrowIfCancellationRequested();
        await Task.Run(store.Recover, cancellationToken).ConfigureAwait(false);
        return store;
    }

    private void Recover()
    {
        var result = WalRecovery.Run(_options.DataDirectory, _logger, LoadSnapshot, Replay);
        _leases.ResetExpiries(_time.GetUtcNow());
        _committedRevision = _index.Revision;
        _wal = new WalWriter(_options.DataDirectory, result, _options.SnapshotThresholdBytes, _logger, CaptureState, OnDurable);
        _wal.Start();
        _background = Task.WhenAll(
            Task.Run(() => ExpireLeasesAsync(_stop.Token)),
            Task.Run(() => AutoCompactAsync(_stop.Token)));
        _logger.LogInformation(
            "Store open at revision {Revision} ({Keys} keys, {Leases} leases): snapshot of {SnapshotBytes} bytes loaded in {SnapshotMs:F0} ms, {Records} WAL records replayed in {ReplayMs:F0} ms",
            _index.Revision, _index.KeyCount, _leases.Count, result.SnapshotBytes, result.SnapshotTime.TotalMilliseconds, result.Replayed, result.ReplayTime.TotalMilliseconds);
    }

    public Task<RangeResponse> RangeAsync(RangeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        RequestChecks.Range(request);
        lock (_gate)
        {
            var current = Revision;
            if (request.Revision > current)
            {
                throw EtcdErrors.FutureRevision();
            }

            if (request.Revision > 0 && request.Revision < _index.CompactRevision)
            {
                throw EtcdErrors.Compacted();
            }

            var response = RangeReader.Read(_index, request, request.Revision > 0 ? request.Revision : current);
            response.Header = Header(current);
            return Task.FromResult(response);
        }
    }

    public async Task<PutResponse> PutAsync(PutRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequestChecks.Put(request);
        await CheckQuotaAsync(KeyHistory.SizeOf(new KeyValue { Key = request.Key, Value = request.Value }), cancellationToken).ConfigureAwait(false);
        CheckSize(request);
        return await WriteAsync(ctx =>
        {
            ctx.CheckPut(request);
            return ctx.Put(request);
        }, r => r.Header, cancellationToken).ConfigureAwait(false);
    }

    public Task<DeleteRangeResponse> DeleteRangeAsync(DeleteRangeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequestChecks.Delete(request);
        CheckSize(request);
        return WriteAsync(ctx => ctx.Delete(request), r => r.Header, cancellationToken);
    }

    public async Task<TxnResponse> TxnAsync(TxnRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequestChecks.Txn(request);
        var isWrite = !RequestChecks.IsReadOnly(request);
        if (isWrite)
        {
            await CheckQuotaAsync(TxnPutCost(request), cancellationToken).ConfigureAwait(false);
        }

        CheckSize(request);
        return await WriteAsync(ctx =>
        {
            var path = TxnPath.Compute(_index, request, ctx.BeginRevision);
            ctx.CheckPath(request, path, isWrite);
            return ctx.Txn(request, path);
        }, r => r.Header, cancellationToken).ConfigureAwait(false);
    }

    public Task<CompactionResponse> CompactAsync(CompactionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return WriteAsync(ctx =>
        {
            // Against the durable revision: compacting at a revision no reader can see yet would hide the versions
            // that reads at the durable revision still need.
            if (request.Revision > Revision)
            {
                throw EtcdErrors.FutureRevision();
            }

            if (request.Revision <= _index.CompactRevision)
            {
                throw EtcdErrors.Compacted();
            }

            CompactLocked(ctx, request.Revision);
            return new CompactionResponse { Header = new ResponseHeader { Revision = ctx.BeginRevision } };
        }, r => r.Header, cancellationToken);
    }

    /// <summary>
    /// Applies a write under the lock, queues its WAL record in revision order, then waits outside the lock until it
    /// (and everything before it, which it may have read) is durable.
    /// </summary>
    private async Task<T> WriteAsync<T>(Func<StoreWrite, T> apply, Func<T, ResponseHeader> header, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        ct.ThrowIfCancellationRequested();
        Task durable;
        T result;
        lock (_gate)
        {
            if (_wal.Failure is { } failure)
            {
                throw EtcdErrors.StorageUnavailable(failure);
            }

            var ctx = new StoreWrite(_index, _leases);
            result = apply(ctx);
            var record = ctx.Commit();
            durable = record is null ? _wal.WhenFlushed() : _wal.Append(record, ctx.HasChanges ? ctx.Revision : 0);
        }

        await durable.WaitAsync(ct).ConfigureAwait(false);
        FillHeader(header(result));
        return result;
    }

    private void CheckSize(IMessage request)
    {
        if (request.CalculateSize() > _options.MaxRequestBytes)
        {
            throw EtcdErrors.RequestTooLarge();
        }
    }

    private static long TxnPutCost(TxnRequest r) =>
        r.Success.Concat(r.Failure).Sum(op => op.RequestCase switch
        {
            RequestOp.RequestOneofCase.RequestPut => KeyHistory.SizeOf(new KeyValue { Key = op.RequestPut.Key, Value = op.RequestPut.Value }),
            RequestOp.RequestOneofCase.RequestTxn => TxnPutCost(op.RequestTxn),
            _ => 0L,
        });

    internal ResponseHeader Header(long revision) => new()
    {
        ClusterId = ClusterId,
        MemberId = MemberId,
        Revision = revision,
        RaftTerm = 1,
    };

    private void FillHeader(ResponseHeader header)
    {
        header.ClusterId = ClusterId;
        header.MemberId = MemberId;
        header.RaftTerm = 1;
    }

    /// <summary>Called by the WAL writer after each fsync: the new revision becomes visible, then waiters wake.</summary>
    private void OnDurable(long seq, long revision)
    {
        if (revision > Interlocked.Read(ref _committedRevision))
        {
            Interlocked.Exchange(ref _committedRevision, revision);
            _signal.Pulse();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _background.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await _wal.DisposeAsync().ConfigureAwait(false);
        _signal.Pulse();
        _stop.Dispose();
    }
}
