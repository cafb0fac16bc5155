using System.Net;
using LocalKube.Node.Hosting;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.Health;

/// <summary>
/// <c>storage.listen-client-urls</c> serves the store's etcd API, which has no authentication: only loopback, unless
/// <c>storage.allow-external=true</c> accepts the risk, and then every API response says so.
/// </summary>
[Parallelizable(ParallelScope.None)]
public sealed class StorageExposureTests
{
    [Test]
    public async Task A_non_loopback_store_url_stops_the_agent()
    {
        using var pki = new TestPki();
        await using var agent = await RunningAgent.StartAsync(pki, waitReady: false, extraConfig: ["storage.listen-client-urls=http://0.0.0.0:0"]);
        var exit = await agent.Run.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.That(exit, Is.EqualTo(NodeExitStatus.ComponentFailed));
        var log = await File.ReadAllTextAsync(agent.Options.LogFile);
        Assert.That(log, Does.Contain("0.0.0.0:0 is not a loopback address"));
    }

    [Test]
    public async Task An_accepted_external_store_url_is_announced_on_every_api_response()
    {
        using var pki = new TestPki();
        await using var agent = await RunningAgent.StartAsync(pki, extraConfig: ["storage.listen-client-urls=http://0.0.0.0:0", "storage.allow-external=true"]);
        using var http = agent.CreateClient(pki.Admin);
        using var response = await http.GetAsync(new Uri("/api/v1/namespaces", UriKind.Relative));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Headers.GetValues("Warning"), Has.Some.Contains("served without authentication on 0.0.0.0:"));
    }

    [Test]
    public async Task A_loopback_store_url_needs_nothing_more()
    {
        using var pki = new TestPki();
        await using var agent = await RunningAgent.StartAsync(pki, extraConfig: ["storage.listen-client-urls=http://127.0.0.1:0"]);
        using var http = agent.CreateClient(pki.Admin);
        using var response = await http.GetAsync(new Uri("/api/v1/namespaces", UriKind.Relative));
        Assert.That(response.Headers.Contains("Warning"), Is.False);
    }
}
