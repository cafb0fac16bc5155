using System.Runtime.CompilerServices;
using LocalKube.Node.Storage.Mvcc;
using LocalKube.Node.Storage.Protocol;

namespace LocalKube.Node.Storage;

/// <summary>
/// Watches of the embedded store. A watcher does not get events pushed into a queue: it pulls them from the
/// retained MVCC change log, from its next revision up to the newest durable one. So a slow watcher holds no
/// buffer of its own and never slows a writer; what bounds it is compaction. A watcher that falls behind the
/// compaction point gets etcd's compacted response (compact_revision set, canceled) and ends, exactly as an etcd
/// watcher does when compaction overtakes it while it is unsynced; the client re-lists and watches again.
/// </summary>
public sealed partial class EmbeddedKeyValueStore
{
    /// <summary>At most this many revisions go in one watch response (etcd's watchBatchMaxRevs).</summary>
    private const int MaxRevisionsPerResponse = 1000;

    private int _activeWatches;

    /// <summary>Watches currently running (leak checks).</summary>
    internal int ActiveWatches => Volatile.Read(ref _activeWatches);

    public IAsyncEnumerable<WatchResponse> WatchAsync(WatchCreateRequest request, CancellationToken cancellationToken) =>
        WatchAsync(request, synced: null, cancellationToken);

    /// <summary>
    /// One watch; <paramref name="synced"/> hears the revision through which every event of the watch has been sent
    /// (each time it moves on), which is what a progress response may claim.
    /// </summary>
    internal async IAsyncEnumerable<WatchResponse> WatchAsync(WatchCreateRequest request, Action<long>? synced, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var range = new KeyRange(request.Key, request.RangeEnd);
        if (!range.IsSingleKey && !range.IsUnbounded && request.Key.Span.SequenceCompareTo(request.RangeEnd.Span) >= 0)
        {
            yield return new WatchResponse { WatchId = -1, Created = true, Canceled = true, CancelReason = "mvcc: watcher range is empty" };
            yield break;
        }

        Interlocked.Increment(ref _activeWatches);
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
            var ct = linked.Token;
            long current;
            long compacted;
            lock (_gate)
            {
                current = Revision;
                compacted = _index.CompactRevision;
            }

            yield return new WatchResponse { Header = Header(current), WatchId = request.WatchId, Created = true };
            var next = request.StartRevision > 0 ? request.StartRevision : current + 1;
            var noPut = request.Filters.Contains(WatchCreateRequest.Types.FilterType.Noput);
            var noDelete = request.Filters.Contains(WatchCreateRequest.Types.FilterType.Nodelete);
            var lastSent = _time.GetUtcNow();
            while (true)
            {
                var wake = _signal.Next;
                var (events, upTo, compactedAt) = Collect(range, next, request.PrevKv, noPut, noDelete);
                if (compactedAt > 0)
                {
                    yield return new WatchResponse { Header = Header(0), WatchId = request.WatchId, CompactRevision = compactedAt, Canceled = true };
                    yield break;
                }

                if (upTo >= next)
                {
                    next = upTo + 1;
                    if (events.Count > 0)
                    {
                        var response = new WatchResponse { Header = Header(upTo), WatchId = request.WatchId };
                        response.Events.AddRange(events);
                        lastSent = _time.GetUtcNow();
                        yield return response;
                    }

                    synced?.Invoke(upTo);
                    continue;
                }

                // Everything through next - 1 has been sent; a later revision may hold events this watch has not
                // collected yet (a write can commit right after the collect), so that is all a notification claims.
                synced?.Invoke(next - 1);
                if (request.ProgressNotify && _time.GetUtcNow() - lastSent >= _options.ProgressNotifyInterval)
                {
                    lastSent = _time.GetUtcNow();
                    yield return new WatchResponse { Header = Header(next - 1), WatchId = request.WatchId };
                    continue;
                }

                var timeout = request.ProgressNotify ? _options.ProgressNotifyInterval - (_time.GetUtcNow() - lastSent) : Timeout.InfiniteTimeSpan;
                await WaitAsync(wake, timeout, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _activeWatches);
        }
    }

    private async Task WaitAsync(Task wake, TimeSpan timeout, CancellationToken ct)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            await wake.WaitAsync(ct).ConfigureAwait(false);
            return;
        }

        try
        {
            await wake.WaitAsync(timeout > TimeSpan.Zero ? timeout : TimeSpan.Zero, _time, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Time for a progress notification; the caller checks.
        }
    }

    /// <summary>Reads the events for one response; a positive compactedAt means the watcher fell behind compaction.</summary>
    private (List<Event> Events, long UpTo, long CompactedAt) Collect(KeyRange range, long next, bool prevKv, bool noPut, bool noDelete)
    {
        var events = new List<Event>();
        lock (_gate)
        {
            if (next < _index.CompactRevision)
            {
                return (events, 0, _index.CompactRevision);
            }

            var upTo = Math.Min(Revision, next + MaxRevisionsPerResponse - 1);
            for (var rev = next; rev <= upTo; rev++)
            {
                foreach (var kv in _index.ChangesAt(rev))
                {
                    if (!range.Contains(kv.Key))
                    {
                        continue;
                    }

                    var isDelete = KeyHistory.IsTombstone(kv);
                    if ((isDelete && noDelete) || (!isDelete && noPut))
                    {
                        continue;
                    }

                    var ev = new Event { Type = isDelete ? Event.Types.EventType.Delete : Event.Types.EventType.Put, Kv = kv.Clone() };
                    if (prevKv && _index.Find(kv.Key)?.At(rev - 1) is { } prev)
                    {
                        ev.PrevKv = prev.Clone();
                    }

                    events.Add(ev);
                }
            }

            return (events, upTo, 0);
        }
    }
}
