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
