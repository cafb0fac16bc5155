using LocalKube.Node.Kubelet.Runtime;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Kubelet.Pods;

/// <summary>
/// The pod lifecycle event generator (upstream's generic PLEG, with the evented PLEG's shortcut): relists the runtime
/// every period, compares every pod's containers and sandboxes with the last list, and tells the kubelet which pods
/// changed. Between relists, a runtime event tells the kubelet about its own pod at once; an event without a pod
/// (or that the stream lost) waits for the relist. The event stream only makes it faster; the relist makes it right.
/// A relist on every event would cost a list of the whole node per container change: 10,000 pods starting made it
/// one core's work.
/// </summary>
internal sealed partial class PodLifecycleEvents(IContainerRuntime runtime, KubeletOptions options, TimeProvider time, ILogger logger)
{
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly HashSet<string> _pending = new(StringComparer.Ordinal);
    private Dictionary<string, string> _last = new(StringComparer.Ordinal);
    private bool _relistSoon;

    /// <summary>Called with the UIDs of pods whose runtime state changed (including pods the kubelet does not know).</summary>
    public event Action<IReadOnlyCollection<string>>? Changed;

    /// <summary>Whether the last relist reached the runtime.</summary>
    public bool Healthy { get; private set; } = true;

    /// <summary>When the last relist succeeded.</summary>
    public DateTimeOffset LastRelist { get; private set; }

    /// <summary>Every pod UID with something in the runtime, as of the last relist.</summary>
    public IReadOnlyCollection<string> KnownPods => _last.Keys;

    /// <summary>Relists until the token ends.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var events = Task.Run(() => WatchEventsAsync(cancellationToken), CancellationToken.None);
        var nextRelist = time.GetUtcNow();
        while (!cancellationToken.IsCancellationRequested)
        {
            var (uids, relist) = TakePending();
            if (relist || time.GetUtcNow() >= nextRelist)
            {
                await RelistAsync(cancellationToken).ConfigureAwait(false);
                nextRelist = time.GetUtcNow() + options.RelistPeriod;
            }
            else if (uids.Count > 0)
            {
                Changed?.Invoke(uids);
            }

            try
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var delay = Task.Delay(Max(nextRelist - time.GetUtcNow(), TimeSpan.Zero), time, wait.Token);
                await Task.WhenAny(delay, _wake.WaitAsync(wait.Token)).ConfigureAwait(false);
                await wait.CancelAsync().ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }

        await events.ConfigureAwait(false);
    }

    /// <summary>Relists now (also used by tests).</summary>
    public async Task RelistAsync(CancellationToken cancellationToken)
    {
        Dictionary<string, string> current;
        try
        {
            var sandboxes = await runtime.ListPodSandboxesAsync(null, cancellationToken).ConfigureAwait(false);
            var containers = await runtime.ListContainersAsync(null, cancellationToken).ConfigureAwait(false);
            current = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var group in sandboxes.Select(s => (s.Metadata.Uid, Key: $"s:{s.Id}:{s.State}"))
                .Concat(containers.Select(c => (Uid: c.PodUid, Key: $"c:{c.Id}:{c.State}")))
                .GroupBy(x => x.Uid))
            {
                current[group.Key] = string.Join(',', group.Select(x => x.Key).Order(StringComparer.Ordinal));
            }

            Healthy = true;
            LastRelist = time.GetUtcNow();
        }
        catch (ContainerRuntimeException e)
        {
            if (Healthy)
            {
                Log.RelistFailed(logger, e.Message);
            }

            Healthy = false;
            return;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }

        var changed = current.Where(kv => !_last.TryGetValue(kv.Key, out var before) || before != kv.Value).Select(kv => kv.Key)
            .Concat(_last.Keys.Where(uid => !current.ContainsKey(uid)))
            .ToList();
        _last = current;
        if (changed.Count > 0)
        {
            Changed?.Invoke(changed);
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private (IReadOnlyCollection<string> Uids, bool Relist) TakePending()
    {
        lock (_pending)
        {
            // Most wakes carry no pod of their own (the periodic relist): no list for those.
            var taken = (_pending.Count == 0 ? (IReadOnlyCollection<string>)[] : _pending.ToList(), _relistSoon);
            _pending.Clear();
            _relistSoon = false;
            return taken;
        }
    }

    private void Report(RuntimeEvent change)
    {
        lock (_pending)
        {
            if (string.IsNullOrEmpty(change.PodUid))
            {
                _relistSoon = true;
            }
            else
            {
                _pending.Add(change.PodUid);
            }
        }

        Wake();
    }

    private void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already woken.
            }
        }
    }

    private async Task WatchEventsAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var change in runtime.WatchEventsAsync(cancellationToken).ConfigureAwait(false))
                {
                    Report(change);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is ContainerRuntimeException or IOException or HttpRequestException)
            {
                // The engine went away: the relist notices; subscribe again shortly.
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Cannot list the container runtime's containers: {Message}")]
        public static partial void RelistFailed(ILogger logger, string message);
    }
}
