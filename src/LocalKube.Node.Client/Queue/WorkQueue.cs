namespace LocalKube.Node.Client.Queue;

/// <summary>
/// client-go's rate-limited work queue: an item queued twice before it is taken is processed once (dedup); an
/// item being processed is never handed to a second worker: if it is added meanwhile it is queued again when
/// <see cref="Done"/> is called (one in flight per key); <see cref="AddAfter"/> delays an item and
/// <see cref="AddRateLimited"/> delays it by its own exponential backoff; <see cref="ShutDown"/> stops accepting
/// items and lets workers drain what is queued, and <see cref="ShutDownWithDrainAsync"/> also waits for the items
/// in flight.
/// </summary>
public sealed class WorkQueue<T> : IDisposable
    where T : notnull
{
    private readonly Lock _lock = new();
    private readonly Queue<T> _queue = new();
    private readonly HashSet<T> _dirty = [];
    private readonly HashSet<T> _processing = [];
    private readonly Queue<TaskCompletionSource> _getters = new();
    private readonly PriorityQueue<T, DateTimeOffset> _waiting = new();
    private readonly Dictionary<T, DateTimeOffset> _waitingUntil = [];
    private readonly TimeProvider _time;
    private readonly IRateLimiter<T> _limiter;
    private readonly ITimer _timer;
    private TaskCompletionSource? _drained;
    private bool _shuttingDown;

    /// <summary>Creates a queue; backoff defaults to upstream's controller default (5 ms to 1000 s).</summary>
    public WorkQueue(TimeProvider? time = null, IRateLimiter<T>? rateLimiter = null)
    {
        _time = time ?? TimeProvider.System;
        _limiter = rateLimiter ?? ExponentialBackoff<T>.ControllerDefault();
        _timer = _time.CreateTimer(_ => PromoteDue(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Items waiting to be taken (not counting delayed ones or those in flight).</summary>
    public int Length
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Items handed to workers and not yet <see cref="Done"/>.</summary>
    public int InFlight
    {
        get
        {
            lock (_lock)
            {
                return _processing.Count;
            }
        }
    }

    /// <summary>Whether <see cref="ShutDown"/> was called.</summary>
    public bool ShuttingDown
    {
        get
        {
            lock (_lock)
            {
                return _shuttingDown;
            }
        }
    }

    /// <summary>Queues <paramref name="item"/> unless it is already queued; ignored after shutdown.</summary>
    public void Add(T item)
    {
        lock (_lock)
        {
            AddLocked(item);
        }
    }

    /// <summary>Queues <paramref name="item"/> after <paramref name="delay"/> (at once when not positive).</summary>
    public void AddAfter(T item, TimeSpan delay)
    {
        lock (_lock)
        {
            if (_shuttingDown)
            {
                return;
            }

            if (delay <= TimeSpan.Zero)
            {
                AddLocked(item);
                return;
            }

            var due = _time.GetUtcNow() + delay;

            // Several delays for one item: the earliest wins, as upstream.
            if (_waitingUntil.TryGetValue(item, out var existing) && existing <= due)
            {
                return;
            }

            _waitingUntil[item] = due;
            _waiting.Enqueue(item, due);
            ArmTimerLocked();
        }
    }

    /// <summary>Queues <paramref name="item"/> after its backoff, which grows with each call until <see cref="Forget"/>.</summary>
    public void AddRateLimited(T item) => AddAfter(item, _limiter.When(item));

    /// <summary>Resets <paramref name="item"/>'s backoff (call after it was processed successfully).</summary>
    public void Forget(T item) => _limiter.Forget(item);

    /// <summary>How often <paramref name="item"/> was requeued with backoff since it was last forgotten.</summary>
    public int NumRequeues(T item) => _limiter.NumRequeues(item);

    /// <summary>
    /// Takes the next item, waiting for one; returns <c>Shutdown = true</c> (and no item) once the queue is shut down
    /// and empty. Call <see cref="Done"/> when finished with the item.
    /// </summary>
    public async ValueTask<(T? Item, bool Shutdown)> GetAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            TaskCompletionSource waiter;
            lock (_lock)
            {
                if (_queue.Count > 0)
                {
                    var item = _queue.Dequeue();
                    _dirty.Remove(item);
                    _processing.Add(item);
                    return (item, false);
                }

                if (_shuttingDown)
                {
                    return (default, true);
                }

                waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _getters.Enqueue(waiter);
            }

            await waiter.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Marks <paramref name="item"/> finished; if it was added while in flight it is queued again now.</summary>
    public void Done(T item)
    {
        lock (_lock)
        {
            _processing.Remove(item);
            if (_dirty.Contains(item))
            {
                _queue.Enqueue(item);
                WakeOneLocked();
            }

            if (_processing.Count == 0 && _queue.Count == 0)
            {
                _drained?.TrySetResult();
            }
        }
    }

    /// <summary>Stops accepting items; workers still get what is queued, then <c>Shutdown = true</c>.</summary>
    public void ShutDown()
    {
        lock (_lock)
        {
            _shuttingDown = true;
            _waiting.Clear();
            _waitingUntil.Clear();
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            while (_getters.TryDequeue(out var getter))
            {
                getter.TrySetResult();
            }
        }
    }

    /// <summary>Shuts down and waits until every item handed out is <see cref="Done"/>.</summary>
    public Task ShutDownWithDrainAsync(CancellationToken cancellationToken)
    {
        Task drained;
        lock (_lock)
        {
            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_processing.Count == 0 && _queue.Count == 0)
            {
                _drained.TrySetResult();
            }

            drained = _drained.Task;
        }

        ShutDown();
        return drained.WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        ShutDown();
        _timer.Dispose();
    }

    private void AddLocked(T item)
    {
        if (_shuttingDown || !_dirty.Add(item))
        {
            return;
        }

        if (_processing.Contains(item))
        {
            // In flight: Done queues it again, so no second worker ever holds it.
            return;
        }

        _queue.Enqueue(item);
        WakeOneLocked();
    }

    // Every waiting worker re-checks: a waiter whose caller gave up (cancelled) must not swallow the wake-up.
    private void WakeOneLocked()
    {
        while (_getters.TryDequeue(out var getter))
        {
            getter.TrySetResult();
        }
    }

    private void PromoteDue()
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            while (_waiting.TryPeek(out var item, out var due) && due <= now)
            {
                _waiting.Dequeue();

                // A stale entry (the item was rescheduled earlier, or already promoted) is skipped.
                if (_waitingUntil.TryGetValue(item, out var current) && current == due)
                {
                    _waitingUntil.Remove(item);
                    AddLocked(item);
                }
            }

            ArmTimerLocked();
        }
    }

    private void ArmTimerLocked()
    {
        while (_waiting.TryPeek(out var item, out var due))
        {
            if (_waitingUntil.TryGetValue(item, out var current) && current == due)
            {
                var wait = due - _time.GetUtcNow();
                _timer.Change(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
                return;
            }

            _waiting.Dequeue();
        }

        _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }
}
