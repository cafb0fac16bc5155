using System.Threading.Channels;
using k8s;
using k8s.Models;
using LocalKube.Node.Client.Cache;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Client.Informers;

/// <summary>
/// One registered handler: its own unbounded queue of notifications and one loop delivering them in order (client-go's
/// <c>processorListener</c>), so a slow handler delays only itself. A handler that throws gets the same
/// notification again after a growing delay; after <see cref="MaxAttempts"/> the notification is dropped, logged.
/// </summary>
internal sealed partial class HandlerListener<T> : IDisposable
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>Deliveries of one notification before it is given up.</summary>
    public const int MaxAttempts = 8;

    /// <summary>The delay before the first retry; doubles per attempt.</summary>
    public static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(10);

    private readonly Channel<Notification<T>> _queue = Channel.CreateUnbounded<Notification<T>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IResourceEventHandler<T> _handler;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly string _resource;

    public HandlerListener(IResourceEventHandler<T> handler, TimeSpan? resyncPeriod, string resource, ILogger logger, TimeProvider time)
    {
        _handler = handler;
        ResyncPeriod = resyncPeriod is { } p && p > TimeSpan.Zero ? p : null;
        _resource = resource;
        _logger = logger;
        _time = time;
        NextResync = ResyncPeriod is { } period ? time.GetUtcNow() + period : DateTimeOffset.MaxValue;
    }

    public TimeSpan? ResyncPeriod { get; }

    public DateTimeOffset NextResync { get; set; }

    public void Enqueue(Notification<T> notification) => _queue.Writer.TryWrite(notification);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var notification in _queue.Reader.ReadAllAsync(cancellationToken))
            {
                await DeliverAsync(notification, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    public void Dispose() => _queue.Writer.TryComplete();

    private async Task DeliverAsync(Notification<T> n, CancellationToken cancellationToken)
    {
        var delay = FirstRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                switch (n.Kind)
                {
                    case NotificationKind.Add:
                        _handler.OnAdd(n.Object, n.Flag);
                        break;
                    case NotificationKind.Update:
                        _handler.OnUpdate(n.Old!, n.Object);
                        break;
                    default:
                        _handler.OnDelete(n.Object, n.Flag);
                        break;
                }

                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var key = ObjectKeys.KeyOf(n.Object);
                if (attempt >= MaxAttempts)
                {
                    Log.HandlerGaveUp(_logger, _resource, n.Kind.ToString(), key, attempt, e);
                    return;
                }

                Log.HandlerFailed(_logger, _resource, n.Kind.ToString(), key, attempt, delay, e);
                await Task.Delay(delay, _time, cancellationToken);
                delay *= 2;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Handler of {Resource} failed on {Kind} of {Key} (attempt {Attempt}); retrying in {Delay}")]
        public static partial void HandlerFailed(ILogger logger, string resource, string kind, string key, int attempt, TimeSpan delay, Exception exception);

        [LoggerMessage(2, LogLevel.Error, "Handler of {Resource} failed on {Kind} of {Key} {Attempt} times; notification dropped")]
        public static partial void HandlerGaveUp(ILogger logger, string resource, string kind, string key, int attempt, Exception exception);
    }
}
