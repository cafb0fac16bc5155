using System.Net;
using LocalKube.Node.Storage.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
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

        // The store opens before the web host so a bad data folder fails fast, with nothing listening yet.
        var ownedLogging = options.LoggerFactory is null
            ? LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information).AddFilter("Microsoft.AspNetCore", LogLevel.Warning))
            : null;
        var loggerFactory = options.LoggerFactory ?? ownedLogging!;
        EmbeddedKeyValueStore? store = null;
        WebApplication? app = null;
        try
        {
            store = await EmbeddedKeyValueStore.OpenAsync(options.ToStoreOptions(loggerFactory), cancellationToken).ConfigureAwait(false);
            var opened = clock.Elapsed;
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton(loggerFactory);
            builder.Services.AddSingleton(store);
            var urls = new ClientUrls();
            builder.Services.AddSingleton(urls);
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
            app = builder.Build();
            app.MapGrpcService<KvService>();
            app.MapGrpcService<WatchService>();
            app.MapGrpcService<LeaseService>();
            app.MapGrpcService<MaintenanceService>();
            app.MapGrpcService<ClusterService>();
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
            urls.Urls.AddRange(bound);
            loggerFactory.CreateLogger(typeof(StorageServer)).LogInformation(
                "Serving etcd v3 API on {Urls} (store opened in {OpenMs:F0} ms, serving after {ReadyMs:F0} ms; process up {UptimeMs:F0} ms)",
                string.Join(",", bound), opened.TotalMilliseconds, clock.Elapsed.TotalMilliseconds, (DateTime.Now - System.Diagnostics.Process.GetCurrentProcess().StartTime).TotalMilliseconds);
            return new RunningStorageServer(app, store, bound, ownedLogging);
        }
        catch
        {
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
