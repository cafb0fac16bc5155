using System.Net;
using LocalKube.Node.Storage.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Storage;

/// <summary>
/// The embedded store served over etcd's v3 gRPC API (KV, Watch, Lease, Maintenance.Status/Alarm,
/// Cluster.MemberList) on h2c. <see cref="RunAsync"/> is the body of <c>localkube-node storage</c>.
/// </summary>
public static class StorageServer
{
    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled; returns the process exit code.</summary>
    public static async Task<int> RunAsync(StorageServerOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        RunningStorageServer server;
        try
        {
            server = await StartAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException)
        {
            await Console.Error.WriteLineAsync($"storage: cannot start: {e.Message}").ConfigureAwait(false);
            return 1;
        }

        await using (server.ConfigureAwait(false))
        {
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Normal shutdown.
            }
        }

        return 0;
    }

    /// <summary>Opens the store and starts serving; dispose the result to stop.</summary>
    public static async Task<RunningStorageServer> StartAsync(StorageServerOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var endpoints = ParseUrls(options.ListenClientUrls);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var ownedLogging = options.LoggerFactory is null
            ? LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information).AddFilter("Microsoft.AspNetCore", LogLevel.Warning))
            : null;
        var loggerFactory = options.LoggerFactory ?? ownedLogging!;
        EmbeddedKeyValueStore? store = null;
        Task<EmbeddedKeyValueStore>? opening = null;
        WebApplication? app = null;
        try
        {
            // Load the store while the web host is built and starts (JIT-heavy), so a cold start costs roughly the
            // larger of the two rather than their sum.
            opening = EmbeddedKeyValueStore.OpenAsync(options.ToStoreOptions(loggerFactory), cancellationToken);
            var holder = new StoreHolder();
            var urls = new ClientUrls();
            app = BuildApp(endpoints, holder, urls, loggerFactory);

            // Listen before the store is open: early calls wait in StoreHolder, and the JIT of the request path
            // happens while the store loads instead of after it.
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                store = await opening.ConfigureAwait(false);
            }
            catch (Exception e)
            {
                holder.Fail(e);
                throw;
            }

            holder.Open(store);
            var opened = clock.Elapsed;
            var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
            urls.Urls.AddRange(bound);
            using var self = System.Diagnostics.Process.GetCurrentProcess();
            loggerFactory.CreateLogger(typeof(StorageServer)).LogInformation(
                "Serving etcd v3 API on {Urls} (store opened in {OpenMs:F0} ms, serving after {ReadyMs:F0} ms; process up {UptimeMs:F0} ms)",
                string.Join(",", bound), opened.TotalMilliseconds, clock.Elapsed.TotalMilliseconds, (DateTime.Now - self.StartTime).TotalMilliseconds);
            return new RunningStorageServer(app, store, bound, ownedLogging);
        }
        catch
        {
            if (store is null && opening is not null)
            {
                // The host failed while the store was still opening: wait for it so it can be closed, not leaked.
                try
                {
                    store = await opening.ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // The open failed as well; the exception being thrown already reports the failure.
                }
            }

            if (app is not null)
            {
                await app.DisposeAsync().ConfigureAwait(false);
            }

            if (store is not null)
            {
                await store.DisposeAsync().ConfigureAwait(false);
            }

            ownedLogging?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Serves an already open <paramref name="store"/> on <paramref name="listenClientUrls"/> (the node agent's store on
    /// the node's 127.0.0.1:2379, so etcdctl can inspect a running cluster). The store stays the caller's: disposing
    /// the result stops serving and leaves the store open.
    /// </summary>
    public static async Task<RunningStorageServer> ServeAsync(
        EmbeddedKeyValueStore store, string listenClientUrls, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var endpoints = ParseUrls(listenClientUrls);
        var holder = new StoreHolder();
        holder.Open(store);
        var urls = new ClientUrls();
        var app = BuildApp(endpoints, holder, urls, loggerFactory);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
        urls.Urls.AddRange(bound);
        loggerFactory.CreateLogger(typeof(StorageServer)).LogInformation("Serving the node's store over the etcd v3 API on {Urls}", string.Join(",", bound));
        return new RunningStorageServer(app, store, bound, ownedLogging: null, ownsStore: false);
    }

    private static WebApplication BuildApp(IReadOnlyList<IPEndPoint> endpoints, StoreHolder holder, ClientUrls urls, ILoggerFactory loggerFactory)
    {
        // No defaults (as the API server's and the kubelet's hosts): the slim builder's appsettings.json source, with
        // reload on change, watched the content root (the working directory, / in a node) with a recursive
        // FileSystemWatcher: about 20,000 inotify watches, and work on every file created anywhere in the node.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = "localkube-storage",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseKestrelCore();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(holder);
        builder.Services.AddSingleton(urls);

        // Stateless services: one instance each instead of one per call.
        builder.Services.AddSingleton<KvService>();
        builder.Services.AddSingleton<WatchService>();
        builder.Services.AddSingleton<LeaseService>();
        builder.Services.AddSingleton<MaintenanceService>();
        builder.Services.AddSingleton<ClusterService>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            foreach (var endpoint in endpoints)
            {
                kestrel.Listen(endpoint, listen =>
                {
                    listen.Protocols = HttpProtocols.Http2;
                    listen.Use(Server.Http2.AuthorityRewriter.Wrap);
                });
            }

            kestrel.Limits.Http2.MaxStreamsPerConnection = 10_000;
        });
        builder.Services.AddGrpc(grpc =>
        {
            // etcd lets a request through gRPC up to its limit plus 512 KiB, then answers "request is too large".
            grpc.MaxReceiveMessageSize = 1572864 + (512 * 1024);
            grpc.MaxSendMessageSize = null;
        });
        // Our binder in place of Grpc.AspNetCore's: the same methods, with grpc-go's answer to a request that does
        // not decode.
        builder.Services.RemoveAll(typeof(Grpc.AspNetCore.Server.Model.IServiceMethodProvider<>));
        builder.Services.AddSingleton(typeof(Grpc.AspNetCore.Server.Model.IServiceMethodProvider<>), typeof(EtcdMethodProvider<>));
        var app = builder.Build();
        app.MapGrpcService<KvService>();
        app.MapGrpcService<WatchService>();
        app.MapGrpcService<LeaseService>();
        app.MapGrpcService<MaintenanceService>();
        app.MapGrpcService<ClusterService>();
        return app;
    }

    /// <summary>Parses --listen-client-urls; only plain http (h2c) on an IP address or localhost.</summary>
    public static IReadOnlyList<IPEndPoint> ParseUrls(string urls)
    {
        var result = new List<IPEndPoint>();
        foreach (var text in urls.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
            {
                throw new ArgumentException($"--listen-client-urls: '{text}' is not an http://HOST:PORT URL (TLS is not supported)");
            }

            var address = uri.Host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(uri.Host.Trim('[', ']'));
            result.Add(new IPEndPoint(address, uri.Port));
        }

        return result.Count > 0 ? result : throw new ArgumentException("--listen-client-urls: no URL given");
    }
}
