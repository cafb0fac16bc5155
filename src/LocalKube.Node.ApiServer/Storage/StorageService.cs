using System.Diagnostics;
using Grpc.Core;
using LocalKube.Node.Hosting;
using LocalKube.Node.Storage;
using LocalKube.Node.Storage.Protocol;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LocalKube.Node.ApiServer.Storage;

/// <summary>
/// The Storage component: opens the embedded store under <c>&lt;data-dir&gt;/store</c>, or connects to the etcd
/// cluster of <c>--etcd-servers</c>, publishes it through <see cref="StoreAccessor"/> and opens its readiness gate
/// (the API server waits for it). Closes the store when the agent stops, after the API server (reverse order).
/// </summary>
public sealed partial class StorageService : NodeComponentService
{
    /// <summary>History kept by default: upstream's 5-minute <c>--etcd-compaction-interval</c>.</summary>
    public static readonly TimeSpan CompactionRetention = TimeSpan.FromMinutes(5);

    /// <summary>
    /// <c>--extra-config storage.listen-client-urls=http://127.0.0.1:2379</c>: also serve the embedded store over the
    /// etcd v3 API there (the docker driver sets it, so <c>etcdctl</c> in the node inspects the cluster's data).
    /// Empty by default: on the host (process driver) 2379 may belong to a real etcd.
    /// </summary>
    public const string ListenClientUrlsKey = "listen-client-urls";

    /// <summary>
    /// <c>--extra-config storage.allow-external=true</c>: accept a non-loopback <c>listen-client-urls</c>. The etcd v3
    /// API has no authentication here, so that exposes every object (Secrets included) to whoever reaches the address;
    /// the API server then warns on every response.
    /// </summary>
    public const string AllowExternalKey = "allow-external";

    private static readonly TimeSpan EtcdConnectTimeout = TimeSpan.FromSeconds(30);

    private readonly NodeAgentOptions _options;
    private readonly StoreAccessor _accessor;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _time;
    private readonly NodeSettings _settings;
    private readonly StorageHealth _health;

    /// <summary>Creates the component (resolved by the host).</summary>
    public StorageService(
        IComponentReadiness readiness,
        IHostApplicationLifetime lifetime,
        NodeExitStatus exitStatus,
        IOptions<NodeAgentOptions> options,
        StoreAccessor accessor,
        ILoggerFactory loggerFactory,
        TimeProvider time,
        NodeSettings settings,
        StorageHealth health)
        : base(readiness, lifetime, exitStatus, loggerFactory.CreateLogger<StorageService>())
    {
        _health = health;
        _options = options.Value;
        _accessor = accessor;
        _loggerFactory = loggerFactory;
        _time = time;
        _settings = settings;
    }

    /// <inheritdoc />
    public override NodeComponent Component => NodeComponent.Storage;

    /// <summary>The folder of the embedded store.</summary>
    public static string StoreDirectory(NodeAgentOptions options) => Path.Combine(options.DataDir, "store");

    /// <inheritdoc />
    protected override async Task RunAsync(Action markReady, CancellationToken stoppingToken)
    {
        var started = Stopwatch.GetTimestamp();
        var listen = _settings.Get(NodeComponent.Storage, ListenClientUrlsKey);
        CheckExposure(listen);
        var servers = string.Join(',', _options.EtcdServers);
        var compaction = CompactionInterval();
        var store = await KeyValueStoreFactory.CreateAsync(servers, new StoreOptions
        {
            DataDirectory = StoreDirectory(_options),

            // The embedded store compacts itself to the same window the API server keeps of an external etcd.
            AutoCompactionRetention = compaction,

            // The API server's watches ask for progress so a quiet watch's bookmarks keep up with the revision (and
            // stay ahead of compaction); etcd's 10-minute default is longer than the 5-minute history kept.
            ProgressNotifyInterval = TimeSpan.FromMinutes(1),
            TimeProvider = _time,
            LoggerFactory = _loggerFactory,
        }, stoppingToken);
        try
        {
            if (servers.Length > 0)
            {
                await WaitForEtcdAsync(store, servers, stoppingToken);
            }

            _accessor.Set(store);
            Log.Opened(Logger, servers.Length > 0 ? servers : StoreDirectory(_options), Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            await using var served = !string.IsNullOrWhiteSpace(listen) && store is EmbeddedKeyValueStore embedded
                ? await StorageServer.ServeAsync(embedded, listen, _loggerFactory, stoppingToken)
                : null;
            markReady();
            if (servers.Length > 0)
            {
                var compactor = compaction > TimeSpan.Zero
                    ? new EtcdCompactor(store, compaction, _time, Logger).RunAsync(stoppingToken)
                    : Task.Delay(Timeout.InfiniteTimeSpan, _time, stoppingToken);
                await Task.WhenAll(compactor, ProbeEtcdAsync(store, servers, stoppingToken));
            }
            else
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, _time, stoppingToken);
            }
        }
        finally
        {
            _accessor.Set(null);
            await store.DisposeAsync();
        }
    }

    // --extra-config apiserver.etcd-compaction-interval (a Go duration, checked when the agent starts).
    private TimeSpan CompactionInterval() =>
        _settings.GetDuration(NodeComponent.ApiServer, ApiServerSettings.EtcdCompactionInterval) ?? CompactionRetention;

    // The store's client URLs must be loopback unless the risk is accepted explicitly (and then announced).
    private void CheckExposure(string? listen)
    {
        _accessor.ExposureWarning = null;
        if (string.IsNullOrWhiteSpace(listen))
        {
            return;
        }

        var external = StorageServer.ParseUrls(listen).Where(e => !System.Net.IPAddress.IsLoopback(e.Address)).Select(e => e.ToString()).ToList();
        if (external.Count == 0)
        {
            return;
        }

        var where = string.Join(", ", external);
        if (_settings.GetBoolean(NodeComponent.Storage, AllowExternalKey) != true)
        {
            throw new InvalidOperationException(
                $"storage.{ListenClientUrlsKey}: {where} is not a loopback address. The store's etcd API has no authentication, so serving it " +
                $"there would expose every object, Secrets included. Use 127.0.0.1, or accept the risk with --extra-config storage.{AllowExternalKey}=true");
        }

        _accessor.ExposureWarning = $"the cluster's store is served without authentication on {where} (storage.{AllowExternalKey}=true): anyone who reaches it can read and change every object, Secrets included";
        Log.StoreExposed(Logger, _accessor.ExposureWarning);
    }

    /// <summary>How often an external etcd is probed for the <c>etcd</c> health checks.</summary>
    public static TimeSpan EtcdProbeInterval { get; set; } = TimeSpan.FromSeconds(1);

    // Upstream's --etcd-healthcheck-timeout.
    private static readonly TimeSpan EtcdProbeTimeout = TimeSpan.FromSeconds(2);

    // The etcd checks of /readyz read the last probe: a read of one key, bounded in time, every second.
    private async Task ProbeEtcdAsync(IKeyValueStore store, string servers, CancellationToken cancellationToken)
    {
        var key = Google.Protobuf.ByteString.CopyFromUtf8("health");
        string? last = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            string? problem = null;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(EtcdProbeTimeout);
                try
                {
                    await store.RangeAsync(new RangeRequest { Key = key, CountOnly = true }, timeout.Token);
                }
                catch (RpcException e)
                {
                    problem = e.Status.Detail;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    problem = $"no answer within {EtcdProbeTimeout.TotalSeconds:F0} s";
                }
            }

            _health.ReportEtcdProbe(problem);
            if (problem != last)
            {
                if (problem is null)
                {
                    Log.EtcdHealthy(Logger, servers);
                }
                else
                {
                    Log.EtcdUnhealthy(Logger, servers, problem);
                }

                last = problem;
            }

            await Task.Delay(EtcdProbeInterval, _time, cancellationToken);
        }
    }

    // An external etcd may still be starting; give it a bounded while before failing the agent.
    private async Task WaitForEtcdAsync(IKeyValueStore store, string servers, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(EtcdConnectTimeout);
        while (true)
        {
            try
            {
                await store.StatusAsync(new StatusRequest(), timeout.Token);
                return;
            }
            catch (RpcException e) when (!timeout.IsCancellationRequested)
            {
                Log.EtcdNotReady(Logger, servers, e.Status.Detail);
                await Task.Delay(TimeSpan.FromMilliseconds(200), _time, timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new InvalidOperationException($"etcd at {servers} did not answer within {EtcdConnectTimeout.TotalSeconds:F0} s");
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Storage open ({Where}) in {Milliseconds:F0} ms")]
        public static partial void Opened(ILogger logger, string where, double milliseconds);

        [LoggerMessage(2, LogLevel.Debug, "etcd at {Servers} not ready yet: {Detail}")]
        public static partial void EtcdNotReady(ILogger logger, string servers, string detail);


        [LoggerMessage(4, LogLevel.Error, "etcd at {Servers} is unhealthy (the etcd health checks fail): {Problem}")]
        public static partial void EtcdUnhealthy(ILogger logger, string servers, string problem);

        [LoggerMessage(5, LogLevel.Information, "etcd at {Servers} answers again")]
        public static partial void EtcdHealthy(ILogger logger, string servers);

        [LoggerMessage(6, LogLevel.Warning, "{Warning}")]
        public static partial void StoreExposed(ILogger logger, string warning);
    }
}
