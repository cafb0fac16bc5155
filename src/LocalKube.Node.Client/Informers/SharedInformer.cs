using System.Net.Sockets;
using System.Text.Json;
using k8s;
using k8s.Models;
using LocalKube.Node.Client.Cache;
using LocalKube.Node.Client.Clients;
using LocalKube.Node.Client.Resources;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Client.Informers;

/// <summary>
/// client-go's shared index informer: lists, then watches from the list's resourceVersion with bookmarks; keeps an
/// indexed cache; tells every handler about each change in order. A dropped or ended watch resumes from the last
/// resourceVersion seen; a 410 (history compacted) relists. A relist notifies only real differences (new objects,
/// changed resourceVersions, and tombstone deletes for objects that vanished meanwhile), so no handler is told twice
/// about the same resourceVersion. Handlers with a resync period get every cached object again as an update.
/// </summary>
public sealed partial class SharedInformer<T> : ISharedInformer<T>, IRunnableInformer
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>First delay after a failed list or watch; doubles up to <see cref="MaxBackoff"/> (client-go: 800 ms to 30 s).</summary>
    public static readonly TimeSpan InitialBackoff = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest delay between failed attempts.</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly ListWatcher<T> _listWatcher;
    private readonly Indexer<T> _indexer = new();
    private readonly Lock _distribute = new();
    private readonly List<HandlerListener<T>> _listeners = [];
    private readonly List<Task> _listenerTasks = [];
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _resyncWanted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private CancellationToken _running;
    private bool _started;
    private volatile string _resourceVersion = "";

    /// <summary>Creates an informer over <paramref name="client"/> (the component's identity). Run it with <see cref="RunAsync"/>.</summary>
    public SharedInformer(Kubernetes client, InformerOptions? options, ILogger logger, TimeProvider time)
        : this(client, ApiResource.For<T>(), options, logger, time)
    {
    }

    /// <summary>
    /// Creates an informer of <paramref name="resource"/>, decoded as <typeparamref name="T"/> (e.g. a metadata-only
    /// model for resources known only from discovery).
    /// </summary>
    public SharedInformer(Kubernetes client, ApiResource resource, InformerOptions? options, ILogger logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(resource);
        Options = options ?? InformerOptions.Default;
        Resource = resource;
        _listWatcher = new ListWatcher<T>(client, Resource, Options);
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <inheritdoc />
    public ApiResource Resource { get; }

    /// <inheritdoc />
    public InformerOptions Options { get; }

    /// <inheritdoc />
    public ILister<T> Lister => _indexer;

    /// <inheritdoc />
    public bool HasSynced => _synced.Task.IsCompleted;

    /// <inheritdoc />
    public string LastSyncResourceVersion => _resourceVersion;

    /// <summary>How long one watch request may stay open before it is renewed (client-go: a random 5-10 minutes).</summary>
    public TimeSpan WatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <inheritdoc />
    public Task WaitForSyncAsync(CancellationToken cancellationToken) => _synced.Task.WaitAsync(cancellationToken);

    /// <inheritdoc />
    public void AddIndexer(string name, Func<T, IEnumerable<string>> function) => _indexer.AddIndexer(name, function);

    /// <inheritdoc />
    public IDisposable AddEventHandler(IResourceEventHandler<T> handler, TimeSpan? resyncPeriod = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var listener = new HandlerListener<T>(handler, resyncPeriod ?? Options.ResyncPeriod, Resource.ToString(), _logger, _time);
        lock (_distribute)
        {
            foreach (var obj in _indexer.List())
            {
                listener.Enqueue(new Notification<T>(NotificationKind.Add, obj, Flag: true));
            }

            _listeners.Add(listener);
            if (_started)
            {
                _listenerTasks.Add(listener.RunAsync(_running));
            }
        }

        if (listener.ResyncPeriod is not null)
        {
            _resyncWanted.TrySetResult();
        }

        return new Registration(this, listener);
    }

    /// <summary>Lists and watches until <paramref name="cancellationToken"/> is cancelled, then waits for the handlers' loops.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        lock (_distribute)
        {
            if (_started)
            {
                throw new InvalidOperationException($"the informer of {Resource} already runs");
            }

            _started = true;
            _running = cancellationToken;
            foreach (var listener in _listeners)
            {
                _listenerTasks.Add(listener.RunAsync(cancellationToken));
            }
        }

        try
        {
            await Task.WhenAll(ReflectAsync(cancellationToken), ResyncAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }

        Task[] listeners;
        lock (_distribute)
        {
            listeners = [.. _listenerTasks];
        }

        await Task.WhenAll(listeners);
    }

    private async Task ReflectAsync(CancellationToken cancellationToken)
    {
        var backoff = InitialBackoff;
        var needList = true;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (needList)
                {
                    var (items, resourceVersion) = await _listWatcher.ListAsync(cancellationToken);
                    Replace(items, resourceVersion);
                    needList = false;
                    Log.Listed(_logger, Resource.ToString(), items.Count, resourceVersion);
                }

                await foreach (var notice in _listWatcher.WatchAsync(_resourceVersion, Jittered(WatchTimeout), cancellationToken))
                {
                    if (notice.Type == WatchEventType.Error)
                    {
                        throw new KubeApiException(notice.Status?.Code ?? 500, notice.Status, "watch error");
                    }

                    Apply(notice);
                    backoff = InitialBackoff;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (KubeErrors.IsGone(e))
            {
                // The history we watched from was compacted away: only a new list can say what changed.
                Log.Relisting(_logger, Resource.ToString(), _resourceVersion, e.Message);
                needList = true;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or SocketException or KubeApiException or JsonException or OperationCanceledException)
            {
                Log.Retrying(_logger, Resource.ToString(), needList ? "list" : "watch", backoff, e.Message);
                await Task.Delay(backoff, _time, cancellationToken);
                backoff = backoff * 2 > MaxBackoff ? MaxBackoff : backoff * 2;
            }
        }
    }

    // A relist: adds for new objects, updates for changed ones, tombstone deletes for vanished ones; nothing for
    // objects whose resourceVersion the cache already has.
    private void Replace(List<T> items, string resourceVersion)
    {
        lock (_distribute)
        {
            var initial = !HasSynced;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in items)
            {
                TrimManagedFields(item);
                var key = ObjectKeys.KeyOf(item);
                seen.Add(key);
                var old = _indexer.GetByKey(key);
                if (old is not null && old.Metadata.ResourceVersion == item.Metadata.ResourceVersion)
                {
                    continue;
                }

                _indexer.Upsert(item);
                Distribute(old is null
                    ? new Notification<T>(NotificationKind.Add, item, Flag: initial)
                    : new Notification<T>(NotificationKind.Update, item, old));
            }

            foreach (var key in _indexer.Keys().Where(k => !seen.Contains(k)))
            {
                if (_indexer.Remove(key) is { } gone)
                {
                    Distribute(new Notification<T>(NotificationKind.Delete, gone, Flag: true));
                }
            }

            _resourceVersion = resourceVersion;
        }

        _synced.TrySetResult();
    }

    private void Apply(WatchNotice<T> notice)
    {
        var obj = notice.Object!;
        TrimManagedFields(obj);
        lock (_distribute)
        {
            var rv = obj.Metadata?.ResourceVersion ?? "";
            switch (notice.Type)
            {
                case WatchEventType.Added or WatchEventType.Modified:
                {
                    var old = _indexer.GetByKey(ObjectKeys.KeyOf(obj));
                    if (old is not null && old.Metadata.ResourceVersion == rv)
                    {
                        break;
                    }

                    _indexer.Upsert(obj);
                    Distribute(old is null
                        ? new Notification<T>(NotificationKind.Add, obj)
                        : new Notification<T>(NotificationKind.Update, obj, old));
                    break;
                }

                case WatchEventType.Deleted:
                    _indexer.Remove(ObjectKeys.KeyOf(obj));
                    Distribute(new Notification<T>(NotificationKind.Delete, obj));
                    break;
            }

            if (rv.Length > 0)
            {
                _resourceVersion = rv;
            }
        }
    }

    // As upstream's scheduler and controller manager trim their informers: no component reads managedFields, which
    // are a large part of a cached pod, and a write of a cached object without them keeps the stored ones.
    private static void TrimManagedFields(T obj)
    {
        if (obj.Metadata is { ManagedFields: not null } metadata)
        {
            metadata.ManagedFields = null;
        }
    }

    private void Distribute(Notification<T> notification)
    {
        foreach (var listener in _listeners)
        {
            listener.Enqueue(notification);
        }
    }

    private async Task ResyncAsync(CancellationToken cancellationToken)
    {
        await _resyncWanted.Task.WaitAsync(cancellationToken);
        while (!cancellationToken.IsCancellationRequested)
        {
            DateTimeOffset next;
            lock (_distribute)
            {
                var now = _time.GetUtcNow();
                foreach (var listener in _listeners.Where(l => l.ResyncPeriod is not null && l.NextResync <= now))
                {
                    foreach (var obj in _indexer.List())
                    {
                        listener.Enqueue(new Notification<T>(NotificationKind.Update, obj, obj));
                    }

                    listener.NextResync = now + listener.ResyncPeriod!.Value;
                }

                next = _listeners.Count == 0 ? now + TimeSpan.FromSeconds(1) : _listeners.Min(l => l.NextResync);
            }

            var wait = next - _time.GetUtcNow();
            await Task.Delay(wait > TimeSpan.Zero ? (wait < TimeSpan.FromHours(1) ? wait : TimeSpan.FromHours(1)) : TimeSpan.Zero, _time, cancellationToken);
        }
    }

    private void Remove(HandlerListener<T> listener)
    {
        lock (_distribute)
        {
            _listeners.Remove(listener);
        }

        listener.Dispose();
    }

    // Spreads renewals so a hundred watches do not reconnect in the same instant.
    private static TimeSpan Jittered(TimeSpan timeout) => timeout + TimeSpan.FromSeconds(Random.Shared.Next((int)Math.Max(1, timeout.TotalSeconds)));

    private sealed class Registration(SharedInformer<T> informer, HandlerListener<T> listener) : IDisposable
    {
        public void Dispose() => informer.Remove(listener);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Listed {Count} {Resource} at resourceVersion {ResourceVersion}")]
        public static partial void Listed(ILogger logger, string resource, int count, string resourceVersion);

        [LoggerMessage(2, LogLevel.Information, "Watch of {Resource} from resourceVersion {ResourceVersion} expired ({Message}); relisting")]
        public static partial void Relisting(ILogger logger, string resource, string resourceVersion, string message);

        [LoggerMessage(3, LogLevel.Warning, "{Operation} of {Resource} failed, retrying in {Delay}: {Message}")]
        public static partial void Retrying(ILogger logger, string resource, string operation, TimeSpan delay, string message);
    }
}
