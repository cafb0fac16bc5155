using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using LocalKube.Node.ApiServer.Storage;
using LocalKube.Node.Storage;
using LocalKube.Testing;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.Health;

/// <summary>
/// The storage checks of the health endpoints (upstream's <c>etcd</c> and <c>etcd-readiness</c>): they pass while
/// storage takes writes and fail once the embedded store's WAL failed or an external etcd stopped answering, so
/// <c>/readyz</c> (and <c>localkube status</c>) stop claiming a cluster whose every write returns 500 is fine.
/// </summary>
[Parallelizable(ParallelScope.None)]
public sealed class StorageHealthTests
{
    [Test]
    public async Task A_failed_wal_fails_the_etcd_checks()
    {
        using var pki = new TestPki();
        await using var agent = await RunningAgent.StartAsync(pki);
        using var http = agent.CreateClient();
        Assert.That(await http.GetStringAsync(new Uri("/readyz?verbose", UriKind.Relative)), Does.Contain("[+]etcd ok\n").And.Contain("[+]etcd-readiness ok\n"));

        var store = (EmbeddedKeyValueStore)agent.Host.Services.GetRequiredService<StoreAccessor>().Store;
        store.Wal.FaultInjector = _ => new IOException("No space left on device");
        using var temp = new TempDirectory("lk-health");
        using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(pki.WriteKubeconfig(temp.Combine("kubeconfig"), agent.Port)));
        var write = Assert.ThrowsAsync<HttpOperationException>(() => client.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "lost" } }, "default"));
        Assert.That((int)write!.Response.StatusCode, Is.GreaterThanOrEqualTo(500));

        foreach (var (path, lines) in new[]
        {
            ("/readyz", new[] { "[-]etcd failed: reason withheld", "[-]etcd-readiness failed: reason withheld", "readyz check failed" }),
            ("/livez", ["[-]etcd failed: reason withheld", "livez check failed"]),
            ("/healthz", ["[-]etcd failed: reason withheld", "healthz check failed"]),
        })
        {
            using var response = await http.GetAsync(new Uri(path + "?verbose", UriKind.Relative));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError), path);
            var body = await response.Content.ReadAsStringAsync();
            Assert.That(body.Split('\n'), Is.SupersetOf(lines), path);
        }

        using var one = await http.GetAsync(new Uri("/readyz/etcd", UriKind.Relative));
        Assert.That(one.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
        Assert.That(await one.Content.ReadAsStringAsync(), Is.EqualTo("internal server error: etcd check failed\n"));

        // Reads still work from the last durable state.
        Assert.That((await client.ListNamespaceAsync()).Items, Is.Not.Empty);
    }

    [Test]
    public async Task An_unreachable_external_etcd_fails_the_etcd_checks()
    {
        using var pki = new TestPki();
        var etcd = await EtcdServer.StartAsync(CancellationToken.None);
        // The API server alone: the health checks are its own, and the node's clients need not ride out the outage.
        await using var agent = await RunningAgent.StartAsync(pki, etcdServers: [etcd.Url], extraConfig: [RunningAgent.ApiServerOnly]);
        using var http = agent.CreateClient();
        Assert.That(await http.GetStringAsync(new Uri("/readyz?verbose", UriKind.Relative)), Does.Contain("[+]etcd ok\n"));

        await etcd.DisposeAsync();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        string body;
        HttpStatusCode code;
        do
        {
            await Task.Delay(200);
            using var response = await http.GetAsync(new Uri("/readyz?verbose", UriKind.Relative));
            (code, body) = (response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        while (code == HttpStatusCode.OK && DateTime.UtcNow < deadline);

        Assert.That(code, Is.EqualTo(HttpStatusCode.InternalServerError), "readyz still passed 20 s after etcd stopped");
        Assert.That(body, Does.Contain("[-]etcd failed: reason withheld\n").And.Contain("[-]etcd-readiness failed: reason withheld\n"));
    }
}
