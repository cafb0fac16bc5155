using k8s.Models;
using LocalKube.Node.Scheduler.Framework;

namespace LocalKube.Node.Scheduler.Queue;

/// <summary>
/// kube-scheduler's PriorityQueue: an active queue ordered by priority then time, a backoff queue (1 s doubling to
/// 10 s per attempt), and unschedulable pods that wait until a cluster event that can undo their rejection (or
/// 5 minutes) moves them back. Pods with scheduling gates wait until the gates are removed. Thread-safe; one
/// consumer pops.
/// </summary>
public sealed class SchedulingQueue
{
    private readonly object _lock = new();
    private readonly TimeProvider _time;
    private readonly Func<IEnumerable<string>, ClusterEvents> _eventsFor;
    private readonly SortedSet<QueuedPodInfo> _active = new(ActiveOrder.Instance);
    private readonly SortedSet<QueuedPodInfo> _backoff = new(BackoffOrder.Instance);
    private readonly Dictionary<string, QueuedPodInfo> _unschedulable = new(StringComparer.Ordinal);
    private readonly Dictionary<string, QueuedPodInfo> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, QueuedPodInfo> _inFlight = new(StringComparer.Ordinal);
    private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DateTimeOffset _lastLeftoverFlush;
    private long _sequence;
    private bool _closed;

    /// <summary>Creates the queue; <paramref name="eventsFor"/> maps rejecting plugins to the events that can undo them.</summary>
    public SchedulingQueue(TimeProvider time, Func<IEnumerable<string>, ClusterEvents> eventsFor)
    {
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _eventsFor = eventsFor ?? throw new ArgumentNullException(nameof(eventsFor));
        _lastLeftoverFlush = time.GetUtcNow();
    }

    /// <summary>The first backoff (upstream <c>podInitialBackoffSeconds</c>).</summary>
    public static TimeSpan InitialBackoff { get; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest backoff (upstream <c>podMaxBackoffSeconds</c>).</summary>
    public static TimeSpan MaxBackoff { get; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a pod waits for an event before it is retried anyway.</summary>
    public static TimeSpan UnschedulableTimeout { get; } = TimeSpan.FromMinutes(5);

    /// <summary>How often pods waiting longer than <see cref="UnschedulableTimeout"/> are moved.</summary>
    public static TimeSpan LeftoverFlushInterval { get; } = TimeSpan.FromSeconds(30);

    /// <summary>The backoff after <paramref name="attempts"/> attempts.</summary>
    public static TimeSpan BackoffFor(int attempts)
    {
        var duration = InitialBackoff;
        for (var i = 1; i < attempts; i++)
        {
            duration *= 2;
            if (duration > MaxBackoff)
            {
                return MaxBackoff;
            }
        }

        return duration;
    }

    /// <summary>The sizes of the queue's parts.</summary>
    public QueueCounts Counts
    {
        get
        {
            lock (_lock)
            {
                return new QueueCounts(_active.Count, _backoff.Count, _unschedulable.Count, _unschedulable.Values.Count(p => p.Gated), _inFlight.Count);
            }
        }
    }

    /// <summary>Whether <paramref name="key"/> is queued or in flight.</summary>
    public bool Contains(string key)
    {
        lock (_lock)
        {
            return _byKey.ContainsKey(key) || _inFlight.ContainsKey(key);
        }
    }

    /// <summary>Adds a new pending pod (gated pods wait in the unschedulable part); a known pod is updated.</summary>
    public void Add(V1Pod pod) => Update(pod);

    /// <summary>
    /// A pending pod was added or changed: a new one joins the active queue (or waits while gated); a known one is
    /// replaced, and moved back if the change may make it schedulable.
    /// </summary>
    public void Update(V1Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        lock (_lock)
        {
            UpdateLocked(new PodInfo(pod));
        }
    }

    /// <summary>Removes a pod that was deleted or got bound.</summary>
    public void Delete(string key)
    {
        lock (_lock)
        {
            _inFlight.Remove(key);
            if (_byKey.Remove(key, out var queued))
            {
                _active.Remove(queued);
                _backoff.Remove(queued);
                _unschedulable.Remove(key);
            }
        }
    }

    /// <summary>Waits for the next pod to schedule (highest priority, then oldest) and marks it in flight.</summary>
    public async Task<QueuedPodInfo> PopAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task signal;
            TimeSpan wait;
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_closed, this);
                var now = _time.GetUtcNow();
                FlushLocked(now);
                if (_active.Min is { } next)
                {
                    _active.Remove(next);
                    _byKey.Remove(next.Pod.Key);
                    next.Attempts++;
                    next.InitialAttemptTimestamp ??= now;
                    next.EventsWhileInFlight = ClusterEvents.None;
                    _inFlight[next.Pod.Key] = next;
                    return next;
                }

                signal = _signal.Task;
                var wake = _lastLeftoverFlush + LeftoverFlushInterval;
                if (_backoff.Min is { } soonest && soonest.BackoffExpiry < wake)
                {
                    wake = soonest.BackoffExpiry;
                }

                wait = wake - now;
                if (wait < TimeSpan.Zero)
                {
                    wait = TimeSpan.Zero;
                }
            }

            using var delay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var timer = Task.Delay(wait, _time, delay.Token);
            await Task.WhenAny(signal, timer).ConfigureAwait(false);
            await delay.CancelAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>The pod was bound (or given up on): it leaves the in-flight set.</summary>
    public void Done(string key)
    {
        lock (_lock)
        {
            _inFlight.Remove(key);
        }
    }

    /// <summary>
    /// Puts back a pod whose attempt failed (<c>AddUnschedulableIfNotPresent</c>): rejected by
    /// <paramref name="unschedulablePlugins"/>, it waits for their events unless one already arrived while it was in
    /// flight; after an error (no plugins) it backs off.
    /// </summary>
    public void Requeue(QueuedPodInfo info, IEnumerable<string> unschedulablePlugins)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(unschedulablePlugins);
        lock (_lock)
        {
            var key = info.Pod.Key;
            if (!_inFlight.Remove(key, out var current) || _byKey.ContainsKey(key))
            {
                // Deleted or bound meanwhile, or already back.
                return;
            }

            current.Timestamp = _time.GetUtcNow();
            current.UnschedulablePlugins = unschedulablePlugins.ToHashSet(StringComparer.Ordinal);
            _byKey[key] = current;
            var relevant = current.UnschedulablePlugins.Count == 0 || (current.EventsWhileInFlight & _eventsFor(current.UnschedulablePlugins)) != 0;
            if (relevant)
            {
                AddBackoffOrActiveLocked(current);
            }
            else
            {
                _unschedulable[key] = current;
            }
        }
    }

    /// <summary>
    /// A cluster change happened: unschedulable pods rejected by a plugin that registered <paramref name="events"/>
    /// move to the backoff or active queue (<c>MoveAllToActiveOrBackoffQueue</c>).
    /// </summary>
    public void MoveAll(ClusterEvents events)
    {
        lock (_lock)
        {
            foreach (var inFlight in _inFlight.Values)
            {
                inFlight.EventsWhileInFlight |= events;
            }

            if (_unschedulable.Count == 0)
            {
                return;
            }

            var moved = new List<QueuedPodInfo>();
            foreach (var queued in _unschedulable.Values)
            {
                if (!queued.Gated && (events == ClusterEvents.All || (events & _eventsFor(queued.UnschedulablePlugins)) != 0))
                {
                    moved.Add(queued);
                }
            }

            foreach (var queued in moved)
            {
                _unschedulable.Remove(queued.Pod.Key);
                AddBackoffOrActiveLocked(queued);
            }
        }
    }

    /// <summary>Stops the queue: pending and later pops throw.</summary>
    public void Close()
    {
        lock (_lock)
        {
            _closed = true;
            _signal.TrySetResult();
        }
    }

    private static bool IsGated(V1Pod pod) => pod.Spec?.SchedulingGates is { Count: > 0 };

    private void UpdateLocked(PodInfo info)
    {
        var key = info.Key;
        if (_inFlight.TryGetValue(key, out var flying))
        {
            flying.Pod = info;
            flying.EventsWhileInFlight |= ClusterEvents.PodUpdate;
            return;
        }

        if (!_byKey.TryGetValue(key, out var queued))
        {
            // Not known yet (e.g. it just became pending): a new entry.
            queued = new QueuedPodInfo(info, _time.GetUtcNow(), ++_sequence);
            if (IsGated(info.Pod))
            {
                queued.Gated = true;
                _unschedulable[key] = queued;
                _byKey[key] = queued;
            }
            else
            {
                AddActiveLocked(queued);
            }

            return;
        }

        if (_active.Remove(queued))
        {
            queued.Pod = info;
            _active.Add(queued);
            return;
        }

        if (_backoff.Remove(queued))
        {
            queued.Pod = info;
            _backoff.Add(queued);
            return;
        }

        var changed = !ReferenceEquals(queued.Pod.Pod, info.Pod) && SpecOrLabelsChanged(queued.Pod.Pod, info.Pod);
        queued.Pod = info;
        if (queued.Gated)
        {
            if (!IsGated(info.Pod))
            {
                queued.Gated = false;
                _unschedulable.Remove(key);
                _byKey.Remove(key);
                AddActiveLocked(queued);
            }

            return;
        }

        if (changed && (_eventsFor(queued.UnschedulablePlugins) & ClusterEvents.PodUpdate) != 0)
        {
            _unschedulable.Remove(key);
            AddBackoffOrActiveLocked(queued);
        }
    }

    private static bool SpecOrLabelsChanged(V1Pod old, V1Pod pod) =>
        Json(old.Spec) != Json(pod.Spec) || Json(old.Metadata?.Labels) != Json(pod.Metadata?.Labels);

    private static string Json(object? value) => value is null ? "null" : k8s.KubernetesJson.Serialize(value);

    private void AddActiveLocked(QueuedPodInfo queued)
    {
        queued.Sequence = ++_sequence;
        _active.Add(queued);
        _byKey[queued.Pod.Key] = queued;
        _signal.TrySetResult();
        _signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private void AddBackoffOrActiveLocked(QueuedPodInfo queued)
    {
        var expiry = queued.Timestamp + BackoffFor(queued.Attempts);
        if (expiry > _time.GetUtcNow())
        {
            queued.BackoffExpiry = expiry;
            queued.Sequence = ++_sequence;
            _backoff.Add(queued);
            _byKey[queued.Pod.Key] = queued;
            _signal.TrySetResult();
            _signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return;
        }

        AddActiveLocked(queued);
    }

    private void FlushLocked(DateTimeOffset now)
    {
        while (_backoff.Min is { } first && first.BackoffExpiry <= now)
        {
            _backoff.Remove(first);
            AddActiveLocked(first);
        }

        if (now - _lastLeftoverFlush < LeftoverFlushInterval)
        {
            return;
        }

        _lastLeftoverFlush = now;
        var stale = _unschedulable.Values.Where(p => !p.Gated && now - p.Timestamp > UnschedulableTimeout).ToList();
        foreach (var queued in stale)
        {
            _unschedulable.Remove(queued.Pod.Key);
            AddBackoffOrActiveLocked(queued);
        }
    }

    private sealed class ActiveOrder : IComparer<QueuedPodInfo>
    {
        public static ActiveOrder Instance { get; } = new();

        public int Compare(QueuedPodInfo? x, QueuedPodInfo? y)
        {
            if (ReferenceEquals(x, y))
            {
                return 0;
            }

            var byPriority = y!.Pod.Priority.CompareTo(x!.Pod.Priority);
            if (byPriority != 0)
            {
                return byPriority;
            }

            var byTime = x.Timestamp.CompareTo(y.Timestamp);
            return byTime != 0 ? byTime : x.Sequence.CompareTo(y.Sequence);
        }
    }

    private sealed class BackoffOrder : IComparer<QueuedPodInfo>
    {
        public static BackoffOrder Instance { get; } = new();

        public int Compare(QueuedPodInfo? x, QueuedPodInfo? y)
        {
            if (ReferenceEquals(x, y))
            {
                return 0;
            }

            var byExpiry = x!.BackoffExpiry.CompareTo(y!.BackoffExpiry);
            return byExpiry != 0 ? byExpiry : x.Sequence.CompareTo(y.Sequence);
        }
    }
}
