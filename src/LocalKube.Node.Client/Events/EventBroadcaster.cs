using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using k8s;
using k8s.Models;
using LocalKube.Node.Client.Clients;
using LocalKube.Node.Client.Resources;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Client.Events;

/// <summary>
/// Writes the events of its recorders as events.k8s.io/v1 Events, folding repeats as the upstream recorder of the
/// component does (<see cref="Correlation"/>). With <see cref="EventCorrelation.Series"/> (client-go
/// <c>tools/events</c>): the first occurrence is created; the second isomorphic one (same regarding and related
/// objects, type, reason, action and reporter; the note does not count) turns it into a series of count 2 and is
/// written as a patch; later ones only raise the count in memory. With <see cref="EventCorrelation.Legacy"/> (the
/// core/v1 correlator): the note counts and the object's resourceVersion does not, every repeat is written at once,
/// message variants beyond ten are combined and a spam filter bounds each object's events (<see cref="LegacyCorrelator"/>).
/// Pending counts are written every <see cref="RefreshInterval"/>, when a series has been quiet for
/// <see cref="FinishAfter"/>, on <see cref="FlushAsync"/> and on dispose. So a burst of identical events is one Event
/// with a series count, never a flood. At most <see cref="MaxQueued"/> events wait to be written; more are dropped, as
/// upstream.
/// </summary>
public sealed partial class EventBroadcaster : IAsyncDisposable
{
    /// <summary>Events waiting to be written before new ones are dropped (upstream's <c>maxQueuedEvents</c>).</summary>
    public const int MaxQueued = 1000;

    /// <summary>Tries to write one event before it is given up (upstream's <c>maxTriesPerEvent</c>).</summary>
    public const int MaxTries = 12;

    /// <summary>Longest note kept (upstream's 1 kB).</summary>
    public const int MaxNoteBytes = 1024;

    /// <summary>How often open series are written again (upstream's <c>refreshTime</c>).</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(30);

    /// <summary>A series quiet this long is finished: its final count is written and it is forgotten (upstream's <c>finishTime</c>).</summary>
    public static readonly TimeSpan FinishAfter = TimeSpan.FromMinutes(6);

    private readonly Kubernetes _client;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _host;
    private readonly Channel<Eventsv1Event> _queue = Channel.CreateBounded<Eventsv1Event>(new BoundedChannelOptions(MaxQueued) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly Dictionary<EventKey, Entry> _cache = [];
    private readonly LegacyCorrelator _legacy = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private long _lastNanos;
    private long _pending;

    /// <summary>Creates a broadcaster writing through <paramref name="client"/> (the component's identity).</summary>
    /// <param name="client">The component's client.</param>
    /// <param name="loggerFactory">Logging.</param>
    /// <param name="time">The clock of event times and series.</param>
    /// <param name="host">The host in <c>reportingInstance</c> (<c>controller-host</c>); the machine name when null.</param>
    public EventBroadcaster(Kubernetes client, ILoggerFactory loggerFactory, TimeProvider time, string? host = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _logger = loggerFactory.CreateLogger<EventBroadcaster>();
        _host = string.IsNullOrEmpty(host) ? Environment.MachineName.ToLowerInvariant() : host;
    }

    /// <summary>How repeats are folded: as upstream's scheduler (<see cref="EventCorrelation.Series"/>, the default) or as its kubelet and controller manager.</summary>
    public EventCorrelation Correlation { get; init; } = EventCorrelation.Series;

    /// <summary>Time to wait between tries of a failing write (upstream: 10 s, jittered).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A recorder reporting as <paramref name="reportingController"/>, instance <paramref name="reportingInstance"/>
    /// (<c>controller-host</c> when null, as upstream's controllers; the kubelet reports its node name).
    /// </summary>
    public IEventRecorder NewRecorder(string reportingController, string? reportingInstance = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(reportingController);
        return new EventRecorder(this, reportingController, string.IsNullOrEmpty(reportingInstance) ? $"{reportingController}-{_host}" : reportingInstance);
    }

    /// <summary>Starts writing. Idempotent.</summary>
    public void Start()
    {
        lock (_queue)
        {
            ObjectDisposedException.ThrowIf(_stop.IsCancellationRequested, this);
            _loop ??= Task.WhenAll(WriteLoopAsync(_stop.Token), HousekeepingAsync(_stop.Token));
        }
    }

    /// <summary>Writes what is queued and every pending series count now.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        // Let the writer take everything recorded so far.
        while (Interlocked.Read(ref _pending) > 0 && _loop is { IsCompleted: false })
        {
            await Task.Delay(5, cancellationToken);
        }

        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            foreach (var entry in _cache.Values.Where(e => e.Dirty))
            {
                await WriteAsync(entry, cancellationToken);
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Stops after writing what is queued and the pending series counts (bounded by a few seconds).</summary>
    public async ValueTask DisposeAsync()
    {
        Task? loop;
        lock (_queue)
        {
            if (_stop.IsCancellationRequested)
            {
                return;
            }

            _queue.Writer.TryComplete();
            loop = _loop;
        }

        if (loop is not null)
        {
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5), _time);
            try
            {
                await FlushAsync(grace.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or HttpRequestException or KubeApiException or IOException)
            {
                Log.FinalFlushFailed(_logger, e.Message);
            }
        }

        await _stop.CancelAsync();
        if (loop is not null)
        {
            try
            {
                await loop;
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }
        }

        _stop.Dispose();
        _writeLock.Dispose();
    }

    /// <summary>Queues one event (never blocks; drops when <see cref="MaxQueued"/> are waiting).</summary>
    internal void Record(
        IKubernetesObject<V1ObjectMeta> regarding, IKubernetesObject<V1ObjectMeta>? related, string eventType, string reason, string action, string note,
        string reportingController, string reportingInstance, string? regardingFieldPath = null)
    {
        if (regarding?.Metadata is null)
        {
            Log.Invalid(_logger, reason, "no regarding object");
            return;
        }

        if (eventType is not (EventTypes.Normal or EventTypes.Warning))
        {
            Log.Invalid(_logger, reason, $"unsupported event type '{eventType}'");
            return;
        }

        var now = _time.GetUtcNow();
        var reference = Reference(regarding);
        reference.FieldPath = string.IsNullOrEmpty(regardingFieldPath) ? null : regardingFieldPath;
        var evt = new Eventsv1Event
        {
            ApiVersion = "events.k8s.io/v1",
            Kind = "Event",
            Metadata = new V1ObjectMeta
            {
                Name = $"{reference.Name}.{UniqueNanos(now).ToString("x", CultureInfo.InvariantCulture)}",
                NamespaceProperty = string.IsNullOrEmpty(reference.NamespaceProperty) ? "default" : reference.NamespaceProperty,
            },
            EventTime = now.UtcDateTime,
            Regarding = reference,
            Related = related is null ? null : Reference(related),
            Type = eventType,
            Reason = reason,
            Action = action,
            Note = Truncate(note),
            ReportingController = reportingController,
            ReportingInstance = reportingInstance,
        };
        Interlocked.Increment(ref _pending);
        if (!_queue.Writer.TryWrite(evt))
        {
            Interlocked.Decrement(ref _pending);
            Log.Dropped(_logger, reason, reference.Name);
        }
    }

    /// <summary>The reference of <paramref name="obj"/>: apiVersion and kind from its type when its body lacks them.</summary>
    public static V1ObjectReference Reference(IKubernetesObject<V1ObjectMeta> obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var resource = obj.ApiVersion is null || obj.Kind is null ? ApiResource.For(obj.GetType()) : null;
        return new V1ObjectReference
        {
            ApiVersion = obj.ApiVersion ?? resource!.ApiVersion,
            Kind = obj.Kind ?? resource!.Kind,
            Name = obj.Metadata.Name,
            NamespaceProperty = obj.Metadata.NamespaceProperty,
            Uid = obj.Metadata.Uid,
            ResourceVersion = obj.Metadata.ResourceVersion,
        };
    }

    private async Task WriteLoopAsync(CancellationToken cancellationToken)
    {
        await foreach (var evt in _queue.Reader.ReadAllAsync(cancellationToken))
        {
            await _writeLock.WaitAsync(cancellationToken);
            try
            {
                var legacy = Correlation == EventCorrelation.Legacy;
                var now = _time.GetUtcNow();
                var key = legacy ? EventKey.Legacy(evt, _legacy.Aggregate(evt, now)) : EventKey.Of(evt);
                var allowed = !legacy || _legacy.Allow(evt, now);
                if (_cache.TryGetValue(key, out var entry))
                {
                    entry.Event.Series ??= new Eventsv1EventSeries { Count = 1 };
                    entry.Event.Series.Count++;
                    entry.Event.Series.LastObservedTime = now.UtcDateTime;
                    entry.Event.Note = legacy ? evt.Note : entry.Event.Note; // a combined event shows the latest variant
                    entry.Dirty = true;

                    // The second occurrence starts the series on the server; later ones wait for a refresh, except
                    // with the core/v1 correlator, which writes each count the spam filter lets through.
                    if (allowed && (legacy || entry.Event.Series.Count == 2))
                    {
                        await WriteAsync(entry, cancellationToken);
                    }

                    continue;
                }

                if (!allowed)
                {
                    continue;
                }

                entry = new Entry(evt) { Dirty = true };
                _cache[key] = entry;
                await WriteAsync(entry, cancellationToken);
            }
            finally
            {
                _writeLock.Release();
                Interlocked.Decrement(ref _pending);
            }
        }
    }

    private async Task HousekeepingAsync(CancellationToken cancellationToken)
    {
        var lastRefresh = _time.GetUtcNow();
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(FinishAfter, _time, cancellationToken);
            await _writeLock.WaitAsync(cancellationToken);
            try
            {
                var now = _time.GetUtcNow();
                var refresh = now - lastRefresh >= RefreshInterval;
                _legacy.Prune(now);
                foreach (var (key, entry) in _cache.ToList())
                {
                    var series = entry.Event.Series;
                    var last = series?.LastObservedTime ?? entry.Event.EventTime ?? now.UtcDateTime;
                    if (now - new DateTimeOffset(DateTime.SpecifyKind(last, DateTimeKind.Utc)) >= FinishAfter)
                    {
                        if (series is not null && entry.Dirty)
                        {
                            await WriteAsync(entry, cancellationToken);
                        }

                        _cache.Remove(key);
                    }
                    else if (refresh && series is not null)
                    {
                        await WriteAsync(entry, cancellationToken);
                    }
                }

                if (refresh)
                {
                    lastRefresh = now;
                }
            }
            finally
            {
                _writeLock.Release();
            }
        }
    }

    // A series is a patch of the first Event (recreated if it was deleted meanwhile); a single event a create.
    private async Task WriteAsync(Entry entry, CancellationToken cancellationToken)
    {
        var evt = entry.Event;
        for (var attempt = 1; attempt <= MaxTries; attempt++)
        {
            try
            {
                if (evt.Series is { } series)
                {
                    var patch = JsonSerializer.Serialize(new { series = new { count = series.Count, lastObservedTime = series.LastObservedTime }, note = evt.Note }, KubeJson.Options);
                    try
                    {
                        await _client.EventsV1.PatchNamespacedEventAsync(new V1Patch(patch, V1Patch.PatchType.MergePatch), evt.Metadata.Name, evt.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
                        entry.Dirty = false;
                        return;
                    }
                    catch (Exception e) when (KubeErrors.IsNotFound(e))
                    {
                        // Deleted (or never written): create it, series and all.
                    }
                }

                var copy = KubeJson.Clone(evt);
                copy.Metadata.ResourceVersion = null;
                await _client.EventsV1.CreateNamespacedEventAsync(copy, evt.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
                entry.Dirty = false;
                return;
            }
            catch (Exception e) when (KubeErrors.IsAlreadyExists(e) && evt.Series is not null)
            {
                // Created by the first write a moment ago: the patch goes through now.
            }
            catch (Exception e) when (KubeErrors.StatusCode(e) is { } code && code is >= 400 and < 500 && code != 429)
            {
                Log.Rejected(_logger, evt.Reason, evt.Regarding.Name, e.Message);
                entry.Dirty = false;
                return;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or k8s.Autorest.HttpOperationException or KubeApiException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                if (attempt == MaxTries)
                {
                    Log.GaveUp(_logger, evt.Reason, evt.Regarding.Name, e.Message);
                    return;
                }

                Log.WriteFailed(_logger, evt.Reason, evt.Regarding.Name, e.Message);
                await Task.Delay(RetryDelay * (0.75 + (Random.Shared.NextDouble() / 2)), _time, cancellationToken);
            }
        }
    }

    // Event names are <regarding>.<unix nanoseconds in hex>; strictly increasing so two events in one tick differ.
    private long UniqueNanos(DateTimeOffset now)
    {
        var nanos = (now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
        while (true)
        {
            var last = Interlocked.Read(ref _lastNanos);
            var next = Math.Max(nanos, last + 1);
            if (Interlocked.CompareExchange(ref _lastNanos, next, last) == last)
            {
                return next;
            }
        }
    }

    private static string Truncate(string? note)
    {
        note ??= "";
        if (Encoding.UTF8.GetByteCount(note) <= MaxNoteBytes)
        {
            return note;
        }

        var cut = note.Length;
        while (cut > 0 && Encoding.UTF8.GetByteCount(note.AsSpan(0, cut)) > MaxNoteBytes)
        {
            cut--;
        }

        return note[..cut];
    }

    private sealed class Entry(Eventsv1Event evt)
    {
        public Eventsv1Event Event { get; } = evt;

        public bool Dirty { get; set; }
    }

    private readonly record struct EventKey(string Type, string Action, string Reason, string Controller, string Instance, string Regarding, string Related, string Note)
    {
        // tools/events: the whole references (resourceVersion included), not the note.
        public static EventKey Of(Eventsv1Event e) => new(e.Type, e.Action, e.Reason, e.ReportingController, e.ReportingInstance, Ref(e.Regarding, true), Ref(e.Related, true), "");

        // The core/v1 correlator: the note, not the resourceVersion; all combined variants are one event.
        public static EventKey Legacy(Eventsv1Event e, bool combined) => combined
            ? new(e.Type, e.Action, e.Reason, e.ReportingController, e.ReportingInstance, LegacyCorrelator.AggregateKey(e), "", "\0combined")
            : new(e.Type, e.Action, e.Reason, e.ReportingController, e.ReportingInstance, Ref(e.Regarding, false), Ref(e.Related, false), e.Note ?? "");

        private static string Ref(V1ObjectReference? r, bool version) =>
            r is null ? "" : $"{r.ApiVersion}|{r.Kind}|{r.NamespaceProperty}|{r.Name}|{r.Uid}|{(version ? r.ResourceVersion : "")}|{r.FieldPath}";
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "Event {Reason} not recorded: {Problem}")]
        public static partial void Invalid(ILogger logger, string reason, string problem);

        [LoggerMessage(2, LogLevel.Warning, "Event {Reason} about {Name} dropped: too many events waiting")]
        public static partial void Dropped(ILogger logger, string reason, string name);

        [LoggerMessage(3, LogLevel.Error, "Server rejected event {Reason} about {Name} (not retried): {Message}")]
        public static partial void Rejected(ILogger logger, string reason, string name, string message);

        [LoggerMessage(4, LogLevel.Warning, "Unable to write event {Reason} about {Name} (retrying): {Message}")]
        public static partial void WriteFailed(ILogger logger, string reason, string name, string message);

        [LoggerMessage(5, LogLevel.Error, "Unable to write event {Reason} about {Name} (retry limit exceeded): {Message}")]
        public static partial void GaveUp(ILogger logger, string reason, string name, string message);

        [LoggerMessage(6, LogLevel.Warning, "Final write of event series failed: {Message}")]
        public static partial void FinalFlushFailed(ILogger logger, string message);
    }
}
