using System.Net;
using System.Net.Sockets;
using LocalKube.Abstractions.Errors;
using LocalKube.Dashboard.Assets;
using LocalKube.Dashboard.Endpoints;
using LocalKube.Dashboard.Explain;
using LocalKube.Dashboard.Security;
using LocalKube.Dashboard.Streams;
using LocalKube.Dashboard.Upstream;
using LocalKube.Dashboard.Watch;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LocalKube.Dashboard;

/// <summary>
/// The dashboard: Kestrel on 127.0.0.1 serving the embedded front end and its backend (<c>/api/…</c>): the API
/// proxy, the multiplexed watch socket, exec, port-forwards, access reviews and the explainer. Every request passes
/// <see cref="AccessGuard"/>.
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly UpstreamEndpoint _upstream;
    private readonly KubeApi _api;
    private readonly PortForwardManager _forwards;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _health;
    private bool _stopped;

    private DashboardServer(WebApplication app, UpstreamEndpoint upstream, KubeApi api, PortForwardManager forwards, ClusterHealth health, DashboardSecret secret, int port)
    {
        _app = app;
        _upstream = upstream;
        _api = api;
        _forwards = forwards;
        Health = health;
        Secret = secret;
        Port = port;
        _health = health.RunAsync(_stopping.Token);
    }

    /// <summary>The port Kestrel listens on.</summary>
    public int Port { get; }

    /// <summary>The per-run secret.</summary>
    public DashboardSecret Secret { get; }

    /// <summary>The base URL, without the secret.</summary>
    public Uri BaseUrl => new($"http://127.0.0.1:{Port}/");

    /// <summary>The link to print and open: the base URL with the secret, which the first visit swaps for a cookie.</summary>
    public Uri Url => new($"http://127.0.0.1:{Port}/?{AccessGuard.TokenParameter}={Secret.Value}");

    /// <summary>The API server's health as the dashboard last saw it.</summary>
    public ClusterHealth Health { get; }

    /// <summary>Starts listening. Throws <see cref="LocalKubeException"/> with <see cref="Reasons.DashboardPortInUse"/> when the port is taken.</summary>
    public static async Task<DashboardServer> StartAsync(DashboardServerOptions options, CancellationToken cancellationToken)
    {
        var loggers = options.LoggerFactory ?? NullLoggerFactory.Instance;
        var secret = options.Secret ?? DashboardSecret.Create();
        var api = new KubeApi(options.Upstream);
        var health = new ClusterHealth(api, TimeProvider.System, loggers.CreateLogger<ClusterHealth>());
        var forwards = new PortForwardManager(api, loggers);
        var port = options.Port;

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(DashboardServer).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggers);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, port);
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 8 * 1024 * 1024;
        });
        var app = builder.Build();
        var guard = new AccessGuard(secret, () => port);
        var stopping = app.Lifetime.ApplicationStopping;
        var proxy = new ApiProxy(api, health);
        var exec = new ExecBridge(api);
        var reviews = new AccessReviews(api, TimeProvider.System);
        var explainer = new Explainer(api, TimeProvider.System);
        var assets = new StaticAssets(directory: Environment.GetEnvironmentVariable(StaticAssets.DirectoryVariable) is { Length: > 0 } dir ? dir : null);
        var info = new DashboardInfo(options.Profile, options.Upstream.Server.ToString(), typeof(DashboardServer).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");
        var sessionLogger = loggers.CreateLogger<WatchSession>();

        app.Use((context, next) => guard.InvokeAsync(context, next));
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(15) });
        app.MapGet("/api/healthz", (RequestDelegate)(context => context.Response.WriteAsync("ok", context.RequestAborted)));
        app.MapGet("/api/info", (RequestDelegate)(context => context.Response.WriteAsJsonAsync(info, DashboardJsonContext.Default.DashboardInfo, cancellationToken: context.RequestAborted)));
        app.Map("/api/watch", (RequestDelegate)(async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            await new WatchSession(socket, api, health, sessionLogger).RunAsync(stopping);
        }));
        app.Map(ApiProxy.Prefix + "/{**path}", (RequestDelegate)proxy.HandleAsync);
        app.Map("/api/exec", (RequestDelegate)exec.HandleAsync);
        app.MapPost("/api/can-i", (RequestDelegate)reviews.HandleAsync);
        PortForwardEndpoints.Map(app, forwards);
        ExplainEndpoints.Map(app, explainer);
        app.Map("/api/{**rest}", (RequestDelegate)(context =>
            ApiProxy.WriteStatusAsync(context.Response, HttpStatusCode.NotFound, "NotFound", "no such dashboard endpoint", context.RequestAborted)));
        // Every path that is no endpoint, files included (the default fallback skips paths that look like files).
        app.MapFallback("{**path}", (RequestDelegate)assets.HandleAsync);

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (Exception e) when (IsAddressInUse(e))
        {
            await app.DisposeAsync();
            await forwards.DisposeAsync();
            api.Dispose();
            throw new LocalKubeException(Reasons.DashboardPortInUse, $"Port {port} on 127.0.0.1 is already in use, so the dashboard cannot listen there.", e);
        }

        if (port == 0)
        {
            var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
                .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First();
            port = new Uri(address).Port;
        }

        return new DashboardServer(app, options.Upstream, api, forwards, health, secret, port);
    }

    private static bool IsAddressInUse(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is AddressInUseException or SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Stops gracefully: pages are told the dashboard stopped, forwards and sessions close.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await _stopping.CancelAsync();
        await _app.StopAsync(cancellationToken);
        await _forwards.DisposeAsync();
        await _health;
    }

    public async ValueTask DisposeAsync()
    {
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await StopAsync(timeout.Token);
        }

        await _app.DisposeAsync();
        _api.Dispose();
        _upstream.Dispose();
        _stopping.Dispose();
    }
}
