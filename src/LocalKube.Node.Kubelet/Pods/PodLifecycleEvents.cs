using LocalKube.Node.Kubelet.Runtime;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Kubelet.Pods;

/// <summary>
/// The pod lifecycle event generator (upstream's generic PLEG): relists the runtime every period and at once when it
/// reports an event, compares every pod's containers and sandboxes with the last list, and tells the kubelet which
/// pods changed. The runtime's event stream only makes it faster; the relist makes it right.
/// </summary>
internal sealed partial class PodLifecycleEvents(IContainerRuntime runtime, KubeletOptions options, TimeProvider time, ILogger logger)
{
    private readonly SemaphoreSlim _wake = new(0, 1);
    private Dictionary<string, string> _last = new(StringComparer.Ordinal);

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
        while (!cancellationToken.IsCancellationRequested)
        {
            await RelistAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var delay = Task.Delay(options.RelistPeriod, time, wait.Token);
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
                await foreach (var _ in runtime.WatchEventsAsync(cancellationToken).ConfigureAwait(false))
                {
                    Wake();
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
