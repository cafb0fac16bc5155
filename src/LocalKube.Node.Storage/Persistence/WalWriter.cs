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
    /// <summary>The most bytes one group commit writes (a single larger record goes alone); bounds a torn tail.</summary>
    internal const int MaxBatchBytes = 16 * 1024 * 1024;

    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly string _directory;
    private readonly ILogger _logger;
    private readonly Func<(StoreState State, long Seq)> _capture;
    private readonly Action<long, long> _onDurable;
    private readonly long _snapshotThreshold;
    private FileStream? _segment;
    private long _segmentBytes;
    private long _olderBytes;
    private long _snapshotBytes;
    private long _enqueued;
    private long _durable;
    private Task _last = Task.CompletedTask;
    private string? _failure;
    private readonly Lock _failing = new();
    private volatile bool _snapshotRequested;
    private long _pendingSnapshotSeq;
    private Task? _loop;
    private Task _snapshotWrite = Task.CompletedTask;

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
        _segmentBytes = recovered.LastSegmentLength;
        _olderBytes = recovered.WalBytes - recovered.LastSegmentLength;
        try
        {
            _segment = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read, 1);

            // Cut off a torn tail (already logged by recovery) so new records follow the last whole one.
            _segment.SetLength(recovered.LastSegmentLength);
            _segment.Position = recovered.LastSegmentLength;
            _segment.Flush(flushToDisk: true);
            DirectorySync.Flush(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A read-only (or full) folder: serve what was recovered, refuse every write with the reason.
            _segment?.Dispose();
            _segment = null;
            _failure = e.Message;
            logger.LogError("The data folder cannot be written, the store is read-only: {Reason}", e.Message);
        }
    }

    /// <summary>Why writes stopped being durable, or null while healthy.</summary>
    public string? Failure => Volatile.Read(ref _failure);

    /// <summary>Bytes on disk: snapshot plus WAL.</summary>
    public long DiskBytes => Interlocked.Read(ref _snapshotBytes) + Interlocked.Read(ref _segmentBytes) + Interlocked.Read(ref _olderBytes);

    /// <summary>Number of records written durably since the data folder was created.</summary>
    public long DurableSeq => Interlocked.Read(ref _durable);

    /// <summary>The record a captured snapshot waits for to become durable, or 0 when none waits.</summary>
    internal long PendingSnapshotSeq => Interlocked.Read(ref _pendingSnapshotSeq);

    /// <summary>Tests set this to make a step fail as a full, read-only or broken disk would (null: no fault).</summary>
    internal Func<WalStep, Exception?>? FaultInjector { get; set; }

    public void Start() => _loop = Task.Run(RunAsync);

    /// <summary>Queues a record; the task completes after fsync, or fails once the store is read-only. Call under the store lock.</summary>
    public Task Append(WalRecord record, long revision)
    {
        if (Failure is { } failure)
        {
            return Task.FromException(EtcdErrors.StorageUnavailable(failure));
        }

        var pending = new PendingWrite(_enqueued + 1, record, revision, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            // The writer is closed (disposal, or it stopped after a fault): nothing will ever write this record.
            return Task.FromException(Failure is { } reason ? EtcdErrors.StorageUnavailable(reason) : EtcdErrors.Stopped());
        }

        Interlocked.Increment(ref _enqueued);
        _last = pending.Done.Task;
        return _last;
    }

    /// <summary>Completes when everything queued so far is durable. Call under the store lock.</summary>
    public Task WhenFlushed() => _last;

    /// <summary>The sequence number of the last queued record. Call under the store lock.</summary>
    public long EnqueuedSeq => Interlocked.Read(ref _enqueued);

    /// <summary>Asks for a snapshot at the next opportunity (after compaction, to give the space back).</summary>
    public void RequestSnapshot() => _snapshotRequested = true;

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        await _snapshotWrite.ConfigureAwait(false);

        // Whatever is still queued (the loop never ran, or stopped) fails rather than waits forever.
        FailQueued(Failure ?? "the store was stopped");
        if (_segment is not null)
        {
            await _segment.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<PendingWrite>();
        var buffer = new ArrayBufferWriter<byte>(1 << 20);
        (StoreState State, long Seq)? snapshot = null;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                if (Failure is { } failure)
                {
                    // Read-only: every queued write fails at once, and a snapshot that was waiting for them is dropped
                    // (it waited for records that will never be durable).
                    snapshot = null;
                    Interlocked.Exchange(ref _pendingSnapshotSeq, 0);
                    FailQueued(failure);
                    continue;
                }

                while (batch.Count < MaxBatchRecords && reader.TryPeek(out var next))
                {
                    // Records queued after a snapshot's capture belong to the next segment.
                    if (snapshot is { } s && next.Seq > s.Seq)
                    {
                        break;
                    }

                    // A batch stays within MaxBatchBytes (a bigger record goes alone), which bounds a torn tail.
                    if (batch.Count > 0 && buffer.WrittenCount + RecordFraming.HeaderSize + next.Record.CalculateSize() > MaxBatchBytes)
                    {
                        break;
                    }

                    reader.TryRead(out _);
                    batch.Add(next);
                    RecordFraming.Write(buffer, next.Record);
                }

                var flushed = Flush(batch, buffer);
                batch.Clear();
                buffer.ResetWrittenCount();
                if (!flushed)
                {
                    continue;
                }

                // One snapshot at a time: the next is captured only once the previous one is on disk.
                if (snapshot is null && _snapshotWrite.IsCompleted &&
                    (_snapshotRequested || Interlocked.Read(ref _segmentBytes) + Interlocked.Read(ref _olderBytes) > _snapshotThreshold))
                {
                    _snapshotRequested = false;
                    snapshot = _capture();
                    Interlocked.Exchange(ref _pendingSnapshotSeq, snapshot.Value.Seq);
                }

                if (snapshot is { } due && _durable >= due.Seq)
                {
                    snapshot = null;
                    Interlocked.Exchange(ref _pendingSnapshotSeq, 0);

                    // New records go to a fresh segment at once; the snapshot is written beside them, so writers
                    // never wait for it.
                    if (Attempt(() => RotateSegment(due.Seq + 1), "Starting a new WAL segment"))
                    {
                        _snapshotWrite = Task.Run(() => WriteSnapshot(due.State, due.Seq), CancellationToken.None);
                    }
                }
            }
        }
        catch (Exception e)
        {
            // A bug or an unexpected fault must not leave writers waiting: record it, close the queue, fail the rest.
            SetFailed($"the WAL writer stopped: {e.Message}", e);
            _queue.Writer.TryComplete();
            Fail(batch, Failure!);
            FailQueued(Failure!);
        }
    }

    /// <summary>Writes and fsyncs one batch; false when it failed (the batch is failed and the store read-only).</summary>
    private bool Flush(List<PendingWrite> batch, ArrayBufferWriter<byte> buffer)
    {
        if (batch.Count == 0)
        {
            return true;
        }

        try
        {
            Inject(WalStep.Write);
            _segment!.Write(buffer.WrittenSpan);
            Inject(WalStep.Fsync);
            _segment.Flush(flushToDisk: true);
            Interlocked.Add(ref _segmentBytes, buffer.WrittenCount);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The batch is not durable: fail it and every later write. Reads keep serving the last durable revision.
            SetFailed($"WAL write failed: {e.Message}", e);
            TryTruncate();
            Fail(batch, Failure!);
            return false;
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

        return true;
    }

    private bool Attempt(Action step, string what)
    {
        try
        {
            step();
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            SetFailed($"{what} failed: {e.Message}", e);
            return false;
        }
    }

    private void Inject(WalStep step)
    {
        if (FaultInjector?.Invoke(step) is { } fault)
        {
            throw fault;
        }
    }

    /// <summary>Turns the store read-only (first reason wins) and logs why.</summary>
    private void SetFailed(string reason, Exception e)
    {
        // Logged before the failure is published: a writer that sees it fails at once, and whoever waits for the
        // writers (a test, the agent's health check) must find the reason already in the log.
        lock (_failing)
        {
            if (Volatile.Read(ref _failure) is null)
            {
                _logger.LogError(e, "The store is read-only until the agent restarts: {Reason}", reason);
                Volatile.Write(ref _failure, reason);
            }
        }
    }

    private void TryTruncate()
    {
        try
        {
            _segment?.SetLength(_segmentBytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Recovery will cut the torn tail at the next open.
        }
    }

    private void FailQueued(string reason)
    {
        while (_queue.Reader.TryRead(out var p))
        {
            p.Done.TrySetException(EtcdErrors.StorageUnavailable(reason));
        }
    }

    private static void Fail(List<PendingWrite> batch, string reason)
    {
        foreach (var p in batch)
        {
            p.Done.TrySetException(EtcdErrors.StorageUnavailable(reason));
        }

        batch.Clear();
    }

    private void RotateSegment(long firstSeq)
    {
        Inject(WalStep.Rotate);
        var next = new FileStream(Path.Combine(_directory, WalSegments.NameFor(firstSeq)), FileMode.Create, FileAccess.Write, FileShare.Read, 1);
        _segment?.Dispose();
        _segment = next;
        Interlocked.Add(ref _olderBytes, Interlocked.Exchange(ref _segmentBytes, 0));
        Inject(WalStep.DirectorySync);
        DirectorySync.Flush(_directory);
    }

    /// <summary>
    /// Writes the snapshot, then deletes the segments and snapshots it replaces. Until it is durable the older
    /// snapshot and segments stay, so a crash in between recovers from them.
    /// </summary>
    private void WriteSnapshot(StoreState state, long seq)
    {
        try
        {
            var size = SnapshotFile.Write(_directory, seq, state, Inject);
            long freed = 0;
            foreach (var old in WalSegments.List(_directory).Where(p => WalSegments.FirstSeqOf(p) <= seq))
            {
                freed += new FileInfo(old).Length;
                File.Delete(old);
            }

            foreach (var old in WalSegments.Snapshots(_directory).Where(p => SnapshotFile.SeqOf(p) < seq))
            {
                File.Delete(old);
            }

            Interlocked.Exchange(ref _snapshotBytes, size);
            Interlocked.Add(ref _olderBytes, -freed);
            _logger.LogInformation("Snapshot at record {Seq}: {Bytes} bytes; {Freed} bytes of WAL removed", seq, size, freed);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The WAL still holds everything, but a disk that cannot take a snapshot cannot be trusted with the next
            // write either (etcd stops on it): read-only, with the reason. Recovery removes a stray temporary file.
            SetFailed($"Snapshot at record {seq} failed: {e.Message}", e);
            try
            {
                File.Delete(Path.Combine(_directory, SnapshotFile.NameFor(seq) + ".tmp"));
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
            }
        }
    }
}
