using System.Net;
using System.Security.Authentication;
using LocalKube.Node.ApiServer.Authentication;
using LocalKube.Node.ApiServer.Discovery;
using LocalKube.Node.ApiServer.Health;
using LocalKube.Node.ApiServer.Http;
using LocalKube.Node.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LocalKube.Node.ApiServer;

/// <summary>
/// The API server component: Kestrel HTTPS (HTTP/1.1 and HTTP/2) on <c>--bind-address:--secure-port</c>, client
/// certificate and service-account token authentication, health, <c>/version</c> and discovery, plus whatever the
/// registered <see cref="IApiServerModule"/>s map. Ready once Kestrel listens. Waits for Storage when the agent
/// hosts one.
/// </summary>
public sealed partial class ApiServerService : NodeComponentService
{
    private readonly IComponentReadiness _readiness;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly NodeAgentOptions _options;
    private readonly NodeSettings _settings;
    private readonly IResourceRegistry _registry;
    private readonly IEnumerable<IApiServerModule> _modules;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _time;
    private readonly HostOptions _hostOptions;
    private readonly IEnumerable<INodeHealthCheck> _healthChecks;

    /// <summary>Creates the component (resolved by the host).</summary>
    public ApiServerService(
        IComponentReadiness readiness,
        IHostApplicationLifetime lifetime,
        NodeExitStatus exitStatus,
        IOptions<NodeAgentOptions> options,
        IOptions<HostOptions> hostOptions,
        NodeSettings settings,
        IResourceRegistry registry,
        IEnumerable<IApiServerModule> modules,
        ILoggerFactory loggerFactory,
        TimeProvider time,
        IEnumerable<INodeHealthCheck> healthChecks)
        : base(readiness, lifetime, exitStatus, loggerFactory.CreateLogger<ApiServerService>())
    {
        _healthChecks = healthChecks;
        _readiness = readiness;
        _lifetime = lifetime;
        _options = options.Value;
        _hostOptions = hostOptions.Value;
        _settings = settings;
        _registry = registry;
        _modules = modules;
        _loggerFactory = loggerFactory;
        _time = time;
    }

    /// <inheritdoc />
    public override NodeComponent Component => NodeComponent.ApiServer;

    /// <summary>Storage, when this agent hosts it: only the API server talks to storage.</summary>
    public override IReadOnlyList<NodeComponent> DependsOn =>
        _readiness.Snapshot().Any(s => s.Component == NodeComponent.Storage) ? [NodeComponent.Storage] : [];

    /// <inheritdoc />
    protected override async Task RunAsync(Action markReady, CancellationToken stoppingToken)
    {
        using var credentials = await ApiServerCredentials.LoadAsync(_options.CertDir, stoppingToken);
        await using var app = Build(credentials);
        await app.StartAsync(stoppingToken);
        Log.Listening(Logger, _options.BindAddress, _options.SecurePort);
        markReady();
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, _time, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: fall through to a graceful Kestrel stop.
        }

        // The agent's stopping token is already cancelled; give in-flight requests the host's shutdown budget.
        using var stopTimeout = new CancellationTokenSource(_hostOptions.ShutdownTimeout, _time);
        await app.StopAsync(stopTimeout.Token);
    }

    private WebApplication Build(ApiServerCredentials credentials)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = "localkube-apiserver",
            ContentRootPath = AppContext.BaseDirectory,
        });
        var address = IPAddress.Parse(_options.BindAddress);
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;

            // Warnings quote user input (an unknown field's name); Go's net/http sends such UTF-8 as it is.
            kestrel.ResponseHeaderEncodingSelector = name => name == "Warning" ? System.Text.Encoding.UTF8 : null;
            kestrel.Listen(address, _options.SecurePort, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificate = credentials.ServingCertificate,
                    SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    ClientCertificateMode = ClientCertificateMode.AllowCertificate,

                    // Accept any certificate at the TLS layer: a bad one must yield a 401 Status (as upstream), not a
                    // failed handshake. ClientCertificateValidator checks it against ca.crt only, per request.
                    ClientCertificateValidation = static (_, _, _) => true,
                    CheckCertificateRevocation = false,
                });
            });
        });

        var services = builder.Services;
        services.AddRoutingCore();
        services.AddSingleton<IHostLifetime, EmbeddedHostLifetime>();

        // Share the agent's logging (filters included) and singletons with the web container.
        services.AddSingleton(_loggerFactory);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddSingleton(_time);
        services.AddSingleton(_registry);
        services.AddSingleton(_readiness);
        services.AddSingleton(credentials);
        services.AddSingleton(new HealthReporter(_readiness, () => _lifetime.ApplicationStopping.IsCancellationRequested, _healthChecks));
        services.AddSingleton(new DiscoveryRenderer(_registry, $"{_options.EffectiveAdvertiseAddress}:{_options.SecurePort}"));

        var issuer = _settings.Get(NodeComponent.ApiServer, ApiServerSettings.ServiceAccountIssuer) ?? ServiceAccountTokens.DefaultIssuer;
        var audiences = (_settings.Get(NodeComponent.ApiServer, ApiServerSettings.ApiAudiences) ?? issuer)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        services.AddSingleton(new ClientCertificateValidator(credentials.ClientCa, _time));
        services.AddSingleton(new ServiceAccountTokenValidator(credentials.ServiceAccountPublicKey, audiences, issuer, _time));
        if (credentials.ServiceAccountSigningKey is { } signingKey)
        {
            services.AddSingleton(new ServiceAccountTokenIssuer(signingKey, issuer, _time));
        }

        // Order matters: certificates first, then tokens (upstream's union order).
        services.AddSingleton<IRequestAuthenticator, ClientCertificateAuthenticator>();
        services.AddSingleton<IRequestAuthenticator, BearerTokenAuthenticator>();
        foreach (var module in _modules)
        {
            module.ConfigureServices(services);
        }

        var app = builder.Build();
        app.UseMiddleware<ErrorStatusMiddleware>();
        app.UseMiddleware<AuthenticationMiddleware>();
        app.UseMiddleware<Authorization.AuthorizationMiddleware>();
        app.UseRouting();
        HealthEndpoints.Map(app);
        var version = System.Text.Encoding.UTF8.GetBytes(ServerVersion.ToJson());
        app.MapMethods("/version", ["GET", "HEAD"], async context =>
        {
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = version.Length;
            await context.Response.Body.WriteAsync(version, context.RequestAborted);
        });
        DiscoveryEndpoints.Map(app);
        foreach (var module in _modules)
        {
            module.MapEndpoints(app);
        }

        return app;
    }

    private static partial class Log
    {
        [LoggerMessage(10, LogLevel.Information, "API server listening on https://{Address}:{Port}")]
        public static partial void Listening(ILogger logger, string address, int port);
    }
}
