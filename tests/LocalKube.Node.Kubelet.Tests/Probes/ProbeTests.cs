using System.Net;
using System.Net.Sockets;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using LocalKube.Node.Kubelet.Probes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LocalKube.Node.Kubelet.Tests.Probes;

[TestFixture]
[Category("Unit")]
public sealed class ProbeTests
{
    private WebApplication _app = null!;
    private int _port;
    private int _grpcPort;
    private readonly HealthServiceImpl _health = new();
    private string _lastUserAgent = "";

    [OneTimeSetUp]
    public async Task StartServer()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http1);

            // gRPC in plaintext needs HTTP/2 with prior knowledge.
            k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2);
        });
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(_health);
        _app = builder.Build();
        _app.MapGet("/ok", (HttpContext c) => { _lastUserAgent = c.Request.Headers.UserAgent.ToString(); return "fine"; });
        _app.MapGet("/fail", () => Results.StatusCode(503));
        _app.MapGet("/redirect", () => Results.Redirect("/ok"));
        _app.MapGet("/away", () => Results.Redirect("http://elsewhere.invalid/ok"));
        _app.MapGet("/host", (HttpContext c) => c.Request.Host.Host == "custom.example" ? Results.Ok() : Results.StatusCode(400));
        _app.MapGrpcService<HealthServiceImpl>();
        await _app.StartAsync();
        var ports = _app.Urls.Select(u => new Uri(u).Port).ToList();
        (_port, _grpcPort) = (ports[0], ports[1]);
    }

    [OneTimeTearDown]
    public async Task StopServer() => await _app.DisposeAsync();

    [Test]
    public async Task Http_probe_outcomes()
    {
        using var probe = new HttpProbe("1.32");
        var ok = await probe.ProbeAsync(Url("/ok"), [], TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.That(ok.Verdict, Is.EqualTo(ProbeVerdict.Success));
        Assert.That(_lastUserAgent, Is.EqualTo("kube-probe/1.32"));
        var fail = await probe.ProbeAsync(Url("/fail"), [], TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.That(fail, Is.EqualTo(ProbeOutcome.Failure("HTTP probe failed with statuscode: 503")));
        var redirected = await probe.ProbeAsync(Url("/redirect"), [], TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.That(redirected.Verdict, Is.EqualTo(ProbeVerdict.Success), "same-host redirects are followed");
        var away = await probe.ProbeAsync(Url("/away"), [], TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.That(away.Verdict, Is.EqualTo(ProbeVerdict.Warning), "an unfollowed redirect passes with a warning");
        Assert.That(away.Output, Does.StartWith("Probe terminated redirects"));
        var host = await probe.ProbeAsync(Url("/host"), [new("Host", "custom.example")], TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.That(host.Verdict, Is.EqualTo(ProbeVerdict.Success), "a Host header overrides the host");
    }

    [Test]
    public async Task Http_probe_connection_refused_uses_go_wording()
    {
        using var probe = new HttpProbe("1.32");
        var port = ClosedPort();
        var outcome = await probe.ProbeAsync(new Uri($"http://127.0.0.1:{port}/healthz"), [], TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.That(outcome, Is.EqualTo(ProbeOutcome.Failure($"Get \"http://127.0.0.1:{port}/healthz\": dial tcp 127.0.0.1:{port}: connect: connection refused")));
    }

    [Test]
    public async Task Tcp_probe()
    {
        Assert.That((await TcpProbe.ProbeAsync("127.0.0.1", _port, TimeSpan.FromSeconds(5), CancellationToken.None)).Verdict, Is.EqualTo(ProbeVerdict.Success));
        var port = ClosedPort();
        Assert.That(await TcpProbe.ProbeAsync("127.0.0.1", port, TimeSpan.FromSeconds(5), CancellationToken.None),
            Is.EqualTo(ProbeOutcome.Failure($"dial tcp 127.0.0.1:{port}: connect: connection refused")));
    }

    [Test]
    public async Task Grpc_probe()
    {
        _health.SetStatus("", HealthCheckResponse.Types.ServingStatus.Serving);
        _health.SetStatus("db", HealthCheckResponse.Types.ServingStatus.NotServing);
        Assert.That((await GrpcProbe.ProbeAsync("127.0.0.1", _grpcPort, null, TimeSpan.FromSeconds(5), CancellationToken.None)).Verdict, Is.EqualTo(ProbeVerdict.Success));
        Assert.That(await GrpcProbe.ProbeAsync("127.0.0.1", _grpcPort, "db", TimeSpan.FromSeconds(5), CancellationToken.None),
            Is.EqualTo(ProbeOutcome.Failure("service unhealthy (responded with \"NOT_SERVING\")")));
        var closed = await GrpcProbe.ProbeAsync("127.0.0.1", ClosedPort(), null, TimeSpan.FromSeconds(2), CancellationToken.None);
        Assert.That(closed.Verdict, Is.EqualTo(ProbeVerdict.Failure));
    }

    [Test]
    public void Named_ports_and_urls()
    {
        var container = new V1Container { Name = "web", Ports = [new V1ContainerPort { Name = "http", ContainerPort = 8080 }] };
        Assert.That(Prober.ResolvePort((IntOrString)"http", container), Is.EqualTo(8080));
        Assert.That(Prober.ResolvePort((IntOrString)"81", container), Is.EqualTo(81));
        Assert.Throws<ArgumentException>(() => Prober.ResolvePort((IntOrString)"nope", container));
        Assert.That(Prober.BuildUrl("http", "10.244.0.7", 8080, "healthz?x=1").ToString(), Is.EqualTo("http://10.244.0.7:8080/healthz?x=1"));
    }

    private Uri Url(string path) => new($"http://127.0.0.1:{_port}{path}");

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
