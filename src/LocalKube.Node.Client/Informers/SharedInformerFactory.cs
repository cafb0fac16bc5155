using k8s;
using k8s.Models;
using LocalKube.Node.Client.Resources;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Client.Informers;

/// <summary>
/// One informer per (type, options) for everyone who asks (client-go's <c>SharedInformerFactory</c>): every
/// component of the agent that wants pods shares one pod list and watch. Informers run from <see cref="Start"/>
/// (or, when asked for later, at once) until the factory is disposed, or until one is removed
/// (<see cref="RemoveInformerAsync"/>: a resource the server no longer serves).
/// </summary>
public sealed partial class SharedInformerFactory : IAsyncDisposable
{
    private readonly Func<Kubernetes> _client;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Dictionary<(Type, ApiResource?, InformerOptions), ISharedInformer> _informers = [];
    private readonly Dictionary<ISharedInformer, Task> _running = [];
    private readonly Dictionary<ISharedInformer, CancellationTokenSource> _stops = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly ILogger _logger;
    private bool _started;

    /// <summary>Creates a factory whose informers list and watch through <paramref name="client"/>.</summary>
    public SharedInformerFactory(Kubernetes client, ILoggerFactory loggerFactory, TimeProvider time)
        : this(() => client, loggerFactory, time)
    {
        ArgumentNullException.ThrowIfNull(client);
    }

    /// <summary>
    /// Creates a factory that gets its client from <paramref name="client"/> when the first informer is made (so a
    /// missing certificate refuses the component that asks, not the agent's composition).
    /// </summary>
    public SharedInformerFactory(Func<Kubernetes> client, ILoggerFactory loggerFactory, TimeProvider time)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _loggerFactory = loggerFactory ?? throw new ArgumentNullException(nameof(loggerFactory));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = loggerFactory.CreateLogger<SharedInformerFactory>();
    }

    /// <summary>Every informer made so far.</summary>
    public IReadOnlyList<ISharedInformer> Informers
    {
        get
        {
            lock (_lock)
            {
                return [.. _informers.Values];
            }
        }
    }

    /// <summary>The shared informer of <typeparamref name="T"/> with <paramref name="options"/> (everything when null).</summary>
    public ISharedInformer<T> GetInformer<T>(InformerOptions? options = null)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        GetInformer<T>(null, options);

    /// <summary>
    /// The shared informer of <paramref name="resource"/>, decoded as <typeparamref name="T"/> (a metadata-only
    /// model, for resources known only from discovery: client-go's metadata informers). Null means the resource of
    /// <typeparamref name="T"/>'s own model.
    /// </summary>
    public ISharedInformer<T> GetInformer<T>(ApiResource? resource, InformerOptions? options = null)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        options ??= InformerOptions.Default;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_stop.IsCancellationRequested, this);
            if (_informers.TryGetValue((typeof(T), resource, options), out var existing))
            {
                return (ISharedInformer<T>)existing;
            }

            var logger = _loggerFactory.CreateLogger($"LocalKube.Node.Client.Informers.{typeof(T).Name}");
            var informer = resource is null
                ? new SharedInformer<T>(_client(), options, logger, _time)
                : new SharedInformer<T>(_client(), resource, options, logger, _time);
            _informers[(typeof(T), resource, options)] = informer;
            if (_started)
            {
                Run(informer);
            }

            return informer;
        }
    }

    /// <summary>Starts every informer made so far (later ones start when made). Idempotent.</summary>
    public void Start()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_stop.IsCancellationRequested, this);
            _started = true;
            foreach (var informer in _informers.Values.Where(i => !_running.ContainsKey(i)))
            {
                Run(informer);
            }
        }
    }

    /// <summary>
    /// Stops the informer of <paramref name="resource"/> decoded as <typeparamref name="T"/> with
    /// <paramref name="options"/> and forgets it (upstream's garbage collector drops the monitor of a resource discovery
    /// no longer lists); a later <see cref="GetInformer{T}(ApiResource?, InformerOptions?)"/> makes a new one. Returns
    /// false when there was none.
    /// </summary>
    public async Task<bool> RemoveInformerAsync<T>(ApiResource? resource, InformerOptions? options = null)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        options ??= InformerOptions.Default;
        Task? running;
        CancellationTokenSource? stop;
        lock (_lock)
        {
            if (!_informers.Remove((typeof(T), resource, options), out var informer))
            {
                return false;
            }

            _running.Remove(informer, out running);
            _stops.Remove(informer, out stop);
        }

        if (stop is null)
        {
            return true;
        }

        await stop.CancelAsync();
        try
        {
            await running!;
        }
        catch (OperationCanceledException)
        {
            // Stopped as asked.
        }
        catch (Exception e)
        {
            Log.StopFailed(_logger, e);
        }
        finally
        {
            stop.Dispose();
        }

        return true;
    }

    /// <summary>Waits until every informer made so far has synced.</summary>
    public Task WaitForCacheSyncAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(Informers.Select(i => i.WaitForSyncAsync(cancellationToken)));

    /// <summary>Stops every informer and waits for them.</summary>
    public async ValueTask DisposeAsync()
    {
        Task[] running;
        lock (_lock)
        {
            if (_stop.IsCancellationRequested)
            {
                return;
            }

            _stop.Cancel();
            running = [.. _running.Values];
        }

        try
        {
            await Task.WhenAll(running);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.StopFailed(_logger, e);
        }

        lock (_lock)
        {
            foreach (var stop in _stops.Values)
            {
                stop.Dispose();
            }
        }

        _stop.Dispose();
    }

    // Under _lock: each informer gets its own stop, linked to the factory's.
    private void Run(ISharedInformer informer)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        _stops[informer] = stop;
        _running[informer] = ((IRunnableInformer)informer).RunAsync(stop.Token);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "An informer failed while stopping")]
        public static partial void StopFailed(ILogger logger, Exception exception);
    }
}
