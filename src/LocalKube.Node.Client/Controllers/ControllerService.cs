using k8s;
using k8s.Models;
using LocalKube.Node.Client.Cache;
using LocalKube.Node.Client.Clients;
using LocalKube.Node.Client.Events;
using LocalKube.Node.Client.Informers;
using LocalKube.Node.Client.Queue;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Client.Controllers;

/// <summary>
/// The base of every controller: informers feed keys (<c>namespace/name</c>) into a rate-limited
/// <see cref="WorkQueue{T}"/>; <see cref="Workers"/> workers take them one at a time per key and call
/// <see cref="ReconcileAsync"/>, which compares the cache with the world and acts through the API. A reconcile that
/// throws is retried with the key's exponential backoff and logged with the key; a 409 Conflict (a stale read) is
/// retried the same way without the error log. Workers start once every informer the controller registered with
/// <see cref="Watch{T}"/> has synced (<see cref="Synced"/>), so a controller never acts on an empty cache. On stop the
/// queue is shut down and the workers finish the item in hand.
/// </summary>
public abstract partial class ControllerService
{
    private readonly List<ISharedInformer> _informers = [];
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Creates the controller from its <paramref name="context"/>.</summary>
    protected ControllerService(ControllerContext context)
    {
        Context = context ?? throw new ArgumentNullException(nameof(context));
        Logger = context.LoggerFactory.CreateLogger(GetType().FullName ?? GetType().Name);
        Queue = new WorkQueue<string>(context.Time);
    }

    /// <summary>The controller's name (its service account and event reporter).</summary>
    public string Name => Context.Name;

    /// <summary>How many keys are reconciled at once (never the same key twice). Upstream's controllers use 1 to 5.</summary>
    public int Workers { get; init; } = 1;

    /// <summary>Completes when every watched informer has synced: the controller is ready.</summary>
    public Task Synced => _synced.Task;

    /// <summary>The work queue of keys.</summary>
    public WorkQueue<string> Queue { get; }

    /// <summary>The controller's context.</summary>
    protected ControllerContext Context { get; }

    /// <summary>The controller's client (its own identity).</summary>
    protected Kubernetes Client => Context.Client;

    /// <summary>The controller's event recorder.</summary>
    protected IEventRecorder Recorder => Context.Recorder;

    /// <summary>The controller's logger.</summary>
    protected ILogger Logger { get; }

    /// <summary>The clock.</summary>
    protected TimeProvider Time => Context.Time;

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled: starts the informers, waits for their sync, then works.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stop = cancellationToken.Register(Queue.ShutDown);
        Context.Informers.Start();
        await Task.WhenAll(_informers.Select(i => i.WaitForSyncAsync(cancellationToken)));
        _synced.TrySetResult();
        Log.Started(Logger, Name, Workers);
        await Task.WhenAll(Enumerable.Range(0, Math.Max(1, Workers)).Select(_ => WorkAsync(cancellationToken)));
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>
    /// The shared informer of <typeparamref name="T"/>, which the controller waits for before working. When
    /// <paramref name="enqueue"/> is true every change of an object queues its own key (the usual case for the
    /// controller's primary kind); add handlers of your own for the others.
    /// </summary>
    protected ISharedInformer<T> Watch<T>(InformerOptions? options = null, bool enqueue = false)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var informer = Context.Informers.GetInformer<T>(options);
        _informers.Add(informer);
        if (enqueue)
        {
            informer.AddEventHandler(ResourceEventHandler<T>.ForAll(Enqueue));
        }

        return informer;
    }

    /// <summary>Queues the key of <paramref name="obj"/>.</summary>
    protected void Enqueue(IKubernetesObject<V1ObjectMeta> obj) => Queue.Add(ObjectKeys.KeyOf(obj));

    /// <summary>Queues the key of <paramref name="obj"/> after <paramref name="delay"/>.</summary>
    protected void EnqueueAfter(IKubernetesObject<V1ObjectMeta> obj, TimeSpan delay) => Queue.AddAfter(ObjectKeys.KeyOf(obj), delay);

    /// <summary>
    /// Brings the object of <paramref name="key"/> (<c>namespace/name</c> or <c>name</c>) to its desired state. Read
    /// from the informers' listers; never change a cached object (copy it). Throw to retry with backoff.
    /// </summary>
    protected abstract Task<ReconcileResult> ReconcileAsync(string key, CancellationToken cancellationToken);

    private async Task WorkAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            // Not cancellable: a shut-down queue answers at once, and items still queued are drained.
            var (key, shutdown) = await Queue.GetAsync(CancellationToken.None);
            if (shutdown)
            {
                return;
            }

            try
            {
                var result = await ReconcileAsync(key!, cancellationToken);
                if (!result.Requeue)
                {
                    Queue.Forget(key!);
                }
                else if (result.After is { } after)
                {
                    Queue.Forget(key!);
                    Queue.AddAfter(key!, after);
                }
                else
                {
                    Queue.AddRateLimited(key!);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Stopping.
            }
            catch (Exception e) when (KubeErrors.IsConflict(e))
            {
                Log.Conflict(Logger, Name, key!, e.Message);
                Queue.AddRateLimited(key!);
            }
            catch (Exception e)
            {
                Log.ReconcileFailed(Logger, Name, key!, Queue.NumRequeues(key!) + 1, e);
                Queue.AddRateLimited(key!);
            }
            finally
            {
                Queue.Done(key!);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Controller {Controller} synced; {Workers} worker(s) started")]
        public static partial void Started(ILogger logger, string controller, int workers);

        [LoggerMessage(2, LogLevel.Debug, "Controller {Controller}: conflict on {Key}, retrying: {Message}")]
        public static partial void Conflict(ILogger logger, string controller, string key, string message);

        [LoggerMessage(3, LogLevel.Error, "Controller {Controller} failed to sync {Key} (attempt {Attempt}); retrying with backoff")]
        public static partial void ReconcileFailed(ILogger logger, string controller, string key, int attempt, Exception exception);
    }
}
