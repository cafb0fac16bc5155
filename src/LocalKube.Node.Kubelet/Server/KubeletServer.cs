using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using LocalKube.Node.Kubelet.Runtime;
using LocalKube.Node.Kubelet.Server.Stats;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Kubelet.Server;

/// <summary>
/// The kubelet's HTTP API (upstream's <c>pkg/kubelet/server</c>): HTTPS on 10250 with client-certificate or token
/// authentication and SubjectAccessReview authorization, serving pods, stats, metrics, container logs, exec, attach
/// and port-forward; and the unauthenticated read-only port 10255 (healthz, pods, spec, stats, resource metrics) on
/// the node's loopback only. The API server reaches pods through it.
/// </summary>
public sealed class KubeletServer : IAsyncDisposable
{
    private readonly WebApplication _secure;
    private readonly WebApplication? _readOnly;

    private KubeletServer(WebApplication secure, WebApplication? readOnly)
    {
        _secure = secure;
        _readOnly = readOnly;
    }

    /// <summary>The bound HTTPS port (what the Node's daemonEndpoints report).</summary>
    public int Port { get; private set; }

    /// <summary>The bound read-only port; 0 when it is off.</summary>
    public int ReadOnlyPort { get; private set; }

    /// <summary>Starts both listeners.</summary>
    public static async Task<KubeletServer> StartAsync(
        KubeletServerOptions options, IKubeletPodSource source, IKubeletAccessReviewer reviewer, ILoggerFactory loggers, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(source);
        var (serving, clientCa) = LoadCertificates(options.CertDir, source.NodeName, time);
        var stats = new StatsCollector(source, options.RootDirectory, time.GetUtcNow(), time);
        var streaming = new StreamingHandlers(source, options.StreamCreationTimeout);
        var auth = new KubeletAuthFilter(clientCa, reviewer, source.NodeName);

        var secure = Build(loggers, kestrel => kestrel.Listen(IPAddress.Parse(options.BindAddress), options.Port, listen =>
        {
            // HTTP/1.1 only: exec, attach and port-forward upgrade the connection, which HTTP/2 cannot.
            listen.Protocols = HttpProtocols.Http1;
            listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificate = serving,
                SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                ClientCertificateMode = ClientCertificateMode.AllowCertificate,
                ClientCertificateValidation = static (_, _, _) => true,
                CheckCertificateRevocation = false,
            });
        }));
        secure.Use(async (context, next) =>
        {
            if (await auth.AllowAsync(context).ConfigureAwait(false))
            {
                await next(context).ConfigureAwait(false);
            }
        });
        secure.UseRouting();
        MapReadOnly(secure, source, stats);
        MapPrivate(secure, source, streaming);

        WebApplication? readOnly = null;
        if (options.ReadOnlyPort >= 0)
        {
            readOnly = Build(loggers, kestrel => kestrel.Listen(IPAddress.Parse(options.ReadOnlyAddress), options.ReadOnlyPort));
            readOnly.UseRouting();
            MapReadOnly(readOnly, source, stats);
        }

        var server = new KubeletServer(secure, readOnly);
        await secure.StartAsync(cancellationToken).ConfigureAwait(false);
        server.Port = BoundPort(secure);
        if (readOnly is not null)
        {
            await readOnly.StartAsync(cancellationToken).ConfigureAwait(false);
            server.ReadOnlyPort = BoundPort(readOnly);
        }

        return server;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        foreach (var app in new[] { _readOnly, _secure }.OfType<WebApplication>())
        {
            try
            {
                await app.StopAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Streams still open are cut.
            }

            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static WebApplication Build(ILoggerFactory loggers, Action<KestrelServerOptions> listen)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "localkube-kubelet", ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            listen(kestrel);
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddOptions();
        builder.Services.AddSingleton(loggers);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.Services.AddSingleton<IHostLifetime, NoHostLifetime>();
        var app = builder.Build();

        // Clients ping every 5 s; the middleware answers them. The server sends no pings of its own.
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        return app;
    }

    private static void MapReadOnly(IEndpointRouteBuilder app, IKubeletPodSource source, StatsCollector stats)
    {
        app.MapGet("/healthz", context => KubeletResponses.TextAsync(context, 200, "ok", context.RequestAborted));
        app.MapGet("/pods", context => KubeletResponses.JsonAsync(context, PodList(source), context.RequestAborted));
        app.MapGet("/spec", context => KubeletResponses.JsonAsync(context, Spec(), context.RequestAborted));
        app.MapGet("/stats/summary", async context =>
            await KubeletResponses.JsonAsync(context, await stats.SummaryAsync(context.RequestAborted).ConfigureAwait(false), context.RequestAborted).ConfigureAwait(false));
        app.MapGet("/metrics/resource", async context =>
        {
            var text = await stats.ResourceMetricsAsync(context.RequestAborted).ConfigureAwait(false);
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), context.RequestAborted).ConfigureAwait(false);
        });
        app.MapGet("/metrics", async context =>
        {
            var running = await source.Runtime.ListContainersAsync(null, context.RequestAborted).ConfigureAwait(false);
            var text = new StringBuilder()
                .Append("# HELP kubelet_running_pods [ALPHA] Number of pods that have a running pod sandbox\n# TYPE kubelet_running_pods gauge\n")
                .Append("kubelet_running_pods ").Append(source.Pods.Count).Append('\n')
                .Append("# HELP kubelet_running_containers [ALPHA] Number of containers currently running\n# TYPE kubelet_running_containers gauge\n");
            foreach (var group in running.GroupBy(c => c.State == ContainerState.Running ? "running" : c.State == ContainerState.Exited ? "exited" : "created"))
            {
                text.Append("kubelet_running_containers{container_state=\"").Append(group.Key).Append("\"} ").Append(group.Count()).Append('\n');
            }

            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()), context.RequestAborted).ConfigureAwait(false);
        });
    }

    private static void MapPrivate(IEndpointRouteBuilder app, IKubeletPodSource source, StreamingHandlers streaming)
    {
        string[] methods = ["GET", "POST"];
        app.MapGet("/containerLogs/{ns}/{pod}/{container}", context =>
            ContainerLogsHandler.HandleAsync(context, source, Route(context, "ns"), Route(context, "pod"), Route(context, "container")));
        foreach (var (verb, exec) in new[] { ("exec", true), ("attach", false) })
        {
            app.MapMethods($"/{verb}/{{ns}}/{{pod}}/{{container}}", methods, context =>
                streaming.RemoteCommandAsync(context, Route(context, "ns"), Route(context, "pod"), null, Route(context, "container"), exec));
            app.MapMethods($"/{verb}/{{ns}}/{{pod}}/{{uid}}/{{container}}", methods, context =>
                streaming.RemoteCommandAsync(context, Route(context, "ns"), Route(context, "pod"), Route(context, "uid"), Route(context, "container"), exec));
        }

        app.MapMethods("/portForward/{ns}/{pod}", methods, context => streaming.PortForwardAsync(context, Route(context, "ns"), Route(context, "pod"), null));
        app.MapMethods("/portForward/{ns}/{pod}/{uid}", methods, context =>
            streaming.PortForwardAsync(context, Route(context, "ns"), Route(context, "pod"), Route(context, "uid")));
        app.MapGet("/runningpods/", context => KubeletResponses.JsonAsync(context, PodList(source), context.RequestAborted));
    }

    private static string Route(HttpContext context, string name) => (string)context.Request.RouteValues[name]!;

    private static byte[] PodList(IKubeletPodSource source)
    {
        var items = source.Pods.Select(pod =>
        {
            var copy = KubernetesJson.Deserialize<V1Pod>(KubernetesJson.Serialize(pod));
            copy.ApiVersion = "v1";
            copy.Kind = "Pod";
            copy.Status = source.GetStatus(pod.Metadata.Uid) ?? pod.Status;
            return copy;
        }).ToList();
        var list = new V1PodList { ApiVersion = "v1", Kind = "PodList", Metadata = new V1ListMeta(), Items = items };
        return Encoding.UTF8.GetBytes(KubernetesJson.Serialize(list));
    }

    private static byte[] Spec()
    {
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        var spec = new JsonObject
        {
            ["num_cores"] = Environment.ProcessorCount,
            ["num_physical_cores"] = Environment.ProcessorCount,
            ["num_sockets"] = 1,
            ["cpu_frequency_khz"] = 0,
            ["memory_capacity"] = memory,
            ["machine_id"] = ReadTrimmed("/etc/machine-id"),
            ["system_uuid"] = ReadTrimmed("/sys/class/dmi/id/product_uuid"),
            ["boot_id"] = ReadTrimmed("/proc/sys/kernel/random/boot_id"),
            ["filesystems"] = new JsonArray(),
            ["network_devices"] = new JsonArray(),
            ["topology"] = new JsonArray(),
            ["cloud_provider"] = "Unknown",
            ["instance_type"] = "Unknown",
            ["instance_id"] = "None",
        };
        return JsonSerializer.SerializeToUtf8Bytes(spec);
    }

    private static string ReadTrimmed(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static (X509Certificate2 Serving, X509Certificate2 ClientCa) LoadCertificates(string certDir, string nodeName, TimeProvider time)
    {
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(certDir, "ca.crt")));
        var certificate = Path.Combine(certDir, KubeletServerOptions.ServingCertificateName + ".crt");
        var key = Path.Combine(certDir, KubeletServerOptions.ServingCertificateName + ".key");
        if (File.Exists(certificate) && File.Exists(key))
        {
            using var pem = X509Certificate2.CreateFromPemFile(certificate, key);

            // Kestrel on Linux needs the key in an exportable, persisted form.
            return (X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null), ca);
        }

        // As upstream without --tls-cert-file: a self-signed certificate (the API server then cannot verify it).
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={nodeName}@{time.GetUtcNow().ToUnixTimeSeconds()}", ecdsa, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(nodeName);
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var selfSigned = request.CreateSelfSigned(time.GetUtcNow().AddMinutes(-5), time.GetUtcNow().AddYears(1));
        return (X509CertificateLoader.LoadPkcs12(selfSigned.Export(X509ContentType.Pkcs12), null), ca);
    }

    private static int BoundPort(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.Replace("0.0.0.0", "localhost", StringComparison.Ordinal).Replace("[::]", "localhost", StringComparison.Ordinal)).Port;
    }

    /// <summary>The server runs inside the agent's host: it takes no console signals of its own.</summary>
    private sealed class NoHostLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
