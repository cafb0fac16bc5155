using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using LocalKube.Core.Cluster;
using LocalKube.Core.Tests.Support;

namespace LocalKube.Core.Tests.Cluster;

/// <summary>The probe behind <c>start</c>'s wait and <c>status</c>: its deadline clock and what it reads from <c>/readyz?verbose</c>.</summary>
public sealed class ApiServerProbeTests
{
    [Test]
    public async Task Waiting_for_readiness_ends_on_the_probe_clock()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UnixEpoch);
        using var probe = new ApiServerProbe(new Uri($"https://127.0.0.1:{ClosedPort()}"), SelfSignedPem(), time);
        var wait = probe.WaitReadyAsync(TimeSpan.FromMinutes(10), _ => Task.FromResult(true), CancellationToken.None);

        // Ten minutes pass on the probe's clock (not the wall clock): the wait gives up at once.
        time.Advance(TimeSpan.FromMinutes(11));
        Assert.That(await wait.WaitAsync(TimeSpan.FromSeconds(20)), Is.False);
    }

    [Test]
    public async Task An_unreachable_server_is_not_answered_and_its_kubelet_stopped()
    {
        using var probe = new ApiServerProbe(new Uri($"https://127.0.0.1:{ClosedPort()}"), SelfSignedPem());
        var readiness = await probe.GetReadinessAsync(CancellationToken.None);
        Assert.That((readiness.Answered, readiness.Ready, readiness.KubeletState), Is.EqualTo((false, false, ClusterStatus.Stopped)));
    }

    [TestCase("[+]ping ok\n[+]kubelet ok\n[+]shutdown ok\nreadyz check passed\n", ClusterStatus.Running)]
    [TestCase("[+]ping ok\n[-]kubelet failed: reason withheld\nreadyz check failed\n", ClusterStatus.Stopped)]
    [TestCase("[+]ping ok\n[+]kubelet excluded: ok\nreadyz check passed\n", ClusterStatus.Running)]
    [TestCase("[+]ping ok\n[+]apiserver ok\n[+]kubelet-sync ok\nreadyz check passed\n", ClusterStatus.Irrelevant)]
    [TestCase("[+]ping ok\n[+]apiserver ok\nreadyz check passed\n", ClusterStatus.Irrelevant)]
    public void The_kubelet_state_comes_from_its_readiness_check(string body, string expected) =>
        Assert.That(new ApiServerReadiness(true, true, body).KubeletState, Is.EqualTo(expected));

    [TestCase(true, true, "", true)]
    [TestCase(true, false, "[+]ping ok\n[-]kubelet failed: reason withheld\n[-]container-runtime failed: reason withheld\nreadyz check failed\n", true)]
    [TestCase(true, false, "[+]ping ok\n[-]kubelet failed: reason withheld\n[-]storage failed: reason withheld\nreadyz check failed\n", false)]
    [TestCase(true, false, "[+]ping ok\n[-]kubelet-sync failed: reason withheld\nreadyz check failed\n", false)]
    [TestCase(true, false, "readyz check failed\n", false)]
    [TestCase(false, false, "", false)]
    public void The_api_server_is_ready_unless_a_check_beyond_the_node_components_fails(bool answered, bool ready, string body, bool expected) =>
        Assert.That(new ApiServerReadiness(answered, ready, body).ApiServerReady, Is.EqualTo(expected));

    [Test]
    public void Readiness_answers_with_the_same_body_are_equal_whether_parsed_or_not()
    {
        var parsed = new ApiServerReadiness(true, true, "[+]kubelet ok\n");
        Assert.That(parsed.Checks, Is.EqualTo(new[] { ("kubelet", true) }));
        Assert.That(parsed, Is.EqualTo(new ApiServerReadiness(true, true, "[+]kubelet ok\n")));
    }

    [Test]
    public async Task Only_the_pinned_certificate_is_trusted()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var served = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var server = ServeAsync(listener, served, cts.Token);

        using (var pinned = new ApiServerProbe(new Uri($"https://127.0.0.1:{port}"), served.ExportCertificatePem()))
        {
            var readiness = await pinned.GetReadinessAsync(cts.Token);
            Assert.That((readiness.Answered, readiness.Ready, readiness.KubeletState), Is.EqualTo((true, true, ClusterStatus.Running)));
        }

        // Another certificate, even for the same name, is refused: no answer.
        using (var other = new ApiServerProbe(new Uri($"https://127.0.0.1:{port}"), SelfSignedPem()))
        {
            Assert.That((await other.GetReadinessAsync(cts.Token)).Answered, Is.False);
        }

        await cts.CancelAsync();
        await server;
    }

    private static async Task ServeAsync(TcpListener listener, X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        const string body = "[+]ping ok\n[+]kubelet ok\nreadyz check passed\n";
        try
        {
            while (true)
            {
                using var client = await listener.AcceptTcpClientAsync(cancellationToken);
                try
                {
                    await using var tls = new System.Net.Security.SslStream(client.GetStream());
                    await tls.AuthenticateAsServerAsync(new System.Net.Security.SslServerAuthenticationOptions { ServerCertificate = certificate }, cancellationToken);
                    var buffer = new byte[4096];
                    _ = await tls.ReadAsync(buffer, cancellationToken);
                    await tls.WriteAsync(System.Text.Encoding.ASCII.GetBytes(
                        $"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}"), cancellationToken);
                }
                catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException)
                {
                    // The refused client hangs up during the handshake.
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [TestCase(ClusterStatus.Running, 0)]
    [TestCase(ClusterStatus.Irrelevant, 0)]
    [TestCase(ClusterStatus.Stopped, 2)]
    public void An_irrelevant_kubelet_is_no_failure(string kubelet, int exitCode) =>
        Assert.That(new ClusterStatus("p", ClusterStatus.Running, kubelet, ClusterStatus.Running, ClusterStatus.Configured, false).ExitCode, Is.EqualTo(exitCode));

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string SelfSignedPem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=probe-test", key, HashAlgorithmName.SHA256);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return cert.ExportCertificatePem();
    }
}
