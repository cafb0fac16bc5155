using System.Buffers;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Storage.Persistence;

/// <summary>
/// The single writer of the WAL. Callers enqueue records (under the store's lock, so queue order is revision
/// order); one loop writes everything queued as one batch, fsyncs once (group commit) and only then completes the
/// callers' tasks. It also rolls the WAL into a snapshot when the WAL grows or after a compaction.
/// </summary>
internal sealed class WalWriter : IAsyncDisposable
{
    private const int MaxBatchRecords = 4096;
    private const int MaxBatchBytes = 16 * 1024 * 1024;

    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly string _directory;
    private readonly ILogger _logger;
    private readonly Func<(StoreState State, long Seq)> _capture;
    private readonly Action<long, long> _onDurable;
    private readonly long _snapshotThreshold;
    private readonly CancellationTokenSource _stop = new();
    private FileStream _segment;
    private long _segmentBytes;
    private long _olderBytes;
    private long _snapshotBytes;
    private long _enqueued;
    private long _durable;
    private Task _last = Task.CompletedTask;
    private volatile string? _failure;
    private volatile bool _snapshotRequested;
    private Task? _loop;

    public WalWriter(string directory, WalRecovery.Result recovered, long snapshotThreshold, ILogger logger,
        Func<(StoreState State, long Seq)> capture, Action<long, long> onDurable)
    {
        _directory = directory;
        _logger = logger;
        _capture = capture;
        _onDurable = onDurable;
        _snapshotThreshold = snapshotThreshold;
        _enqueued = _durable = recovered.LastSeq;
        _snapshotBytes = recovered.SnapshotBytes;
        var path = recovered.LastSegment ?? Path.Combine(directory, WalSegments.NameFor(recovered.LastSeq + 1));
        _segment = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read, 1);

        // Cut off a torn tail (already logged by recovery) so new records follow the last whole one.
        _segment.SetLength(recovered.LastSegmentLength);
        _segment.Position = recovered.LastSegmentLength;
        _segmentBytes = recovered.LastSegmentLength;
        _olderBytes = recovered.WalBytes - recovered.LastSegmentLength;
        _segment.Flush(flushToDisk: true);
        DirectorySync.Flush(directory);
    }

    /// <summary>Why writes stopped being durable, or null while healthy.</summary>
    public string? Failure => _failure;

    /// <summary>Bytes on disk: snapshot plus WAL.</summary>
    public long DiskBytes => Interlocked.Read(ref _snapshotBytes) + Interlocked.Read(ref _segmentBytes) + Interlocked.Read(ref _olderBytes);

    /// <summary>Number of records written durably since the data folder was created.</summary>
    public long DurableSeq => Interlocked.Read(ref _durable);

    /// <summary>Tests use this to make the next flush fail as a full or read-only disk would.</summary>
    internal Func<Exception?>? FaultInjector { get; set; }

    public void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

    /// <summary>Queues a record; the task completes after fsync. Call under the store lock.</summary>
    public Task Append(WalRecord record, long revision)
    {
        if (_failure is { } failure)
        {
            return Task.FromException(EtcdErrors.StorageUnavailable(failure));
        }

        var pending = new PendingWrite(++_enqueued, record, revision, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _queue.Writer.TryWrite(pending);
        _last = pending.Done.Task;
        return _last;
    }

    /// <summary>Completes when everything queued so far is durable. Call under the store lock.</summary>
    public Task WhenFlushed() => _last;

    /// <summary>The sequence number of the last queued record. Call under the store lock.</summary>
    public long EnqueuedSeq => _enqueued;

    /// <summary>Asks for a snapshot at the next opportunity (after compaction, to give the space back).</summary>
    public void RequestSnapshot() => _snapshotRequested = true;

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        _stop.Dispose();
        await _segment.DisposeAsync().ConfigureAwait(false);
    }

    private async Task RunAsync(CancellationToken ct)
    {
        var reader = _queue.Reader;
        var batch = new List<PendingWrite>();
        var buffer = new ArrayBufferWriter<byte>(1 << 20);
        (StoreState State, long Seq)? snapshot = null;
        while (await reader.WaitToReadAsync(ct).ConfigureAwait(false))
        {
            while (batch.Count < MaxBatchRecords && buffer.WrittenCount < MaxBatchBytes && reader.TryPeek(out var next))
            {
                // Records queued after a snapshot's capture belong to the next segment.
                if (snapshot is { } s && next.Seq > s.Seq)
                {
                    break;
                }

                reader.TryRead(out _);
                batch.Add(next);
                RecordFraming.Write(buffer, next.Record);
            }

            Flush(batch, buffer);
            batch.Clear();
            buffer.ResetWrittenCount();

            if (snapshot is null && _failure is null && (_snapshotRequested || _segmentBytes + _olderBytes > _snapshotThreshold))
            {
                _snapshotRequested = false;
                snapshot = _capture();
            }

            if (snapshot is { } due && _durable >= due.Seq)
            {
                WriteSnapshot(due.State, due.Seq);
                snapshot = null;
            }
        }
    }

    private void Flush(List<PendingWrite> batch, ArrayBufferWriter<byte> buffer)
    {
        if (batch.Count == 0)
        {
            return;
        }

        if (_failure is { } failed)
        {
            Fail(batch, failed);
            return;
        }

        try
        {
            if (FaultInjector?.Invoke() is { } injected)
            {
                throw injected;
            }

            _segment.Write(buffer.WrittenSpan);
            _segment.Flush(flushToDisk: true);
            Interlocked.Add(ref _segmentBytes, buffer.WrittenCount);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The batch is not durable: fail it and every later write. Reads keep serving the last durable revision.
            _failure = e.Message;
            _logger.LogError(e, "WAL write failed; the store is read-only until restarted: {Reason}", e.Message);
            TryTruncate();
            Fail(batch, e.Message);
            return;
        }

        var revision = 0L;
        foreach (var p in batch)
        {
            revision = Math.Max(revision, p.Revision);
        }

        Interlocked.Exchange(ref _durable, batch[^1].Seq);
        _onDurable(batch[^1].Seq, revision);
        foreach (var p in batch)
        {
            p.Done.TrySetResult();
        }
    }

    private void TryTruncate()
    {
        try
        {
            _segment.SetLength(_segmentBytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Recovery will cut the torn tail at the next open.
        }
    }

    private static void Fail(List<PendingWrite> batch, string reason)
    {
        foreach (var p in batch)
        {
            p.Done.TrySetException(EtcdErrors.StorageUnavailable(reason));
        }
    }

    private void WriteSnapshot(StoreState state, long seq)
    {
        try
        {
            var size = SnapshotFile.Write(_directory, seq, state);
            var next = new FileStream(Path.Combine(_directory, WalSegments.NameFor(seq + 1)), FileMode.Create, FileAccess.Write, FileShare.Read, 1);
            _segment.Dispose();
            _segment = next;
            DirectorySync.Flush(_directory);
            foreach (var old in WalSegments.List(_directory).Where(p => WalSegments.FirstSeqOf(p) <= seq))
            {
                File.Delete(old);
            }

            foreach (var old in WalSegments.Snapshots(_directory).Where(p => SnapshotFile.SeqOf(p) < seq))
            {
                File.Delete(old);
            }

            Interlocked.Exchange(ref _snapshotBytes, size);
            Interlocked.Exchange(ref _segmentBytes, 0);
            Interlocked.Exchange(ref _olderBytes, 0);
            _logger.LogInformation("Snapshot at record {Seq}: {Bytes} bytes; WAL restarted", seq, size);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not fatal: the WAL still holds everything; we try again later.
            _logger.LogWarning(e, "Snapshot at record {Seq} failed; keeping the WAL", seq);
            try
            {
                File.Delete(Path.Combine(_directory, SnapshotFile.NameFor(seq) + ".tmp"));
            }
            catch (IOException)
            {
            }
        }
    }
}
