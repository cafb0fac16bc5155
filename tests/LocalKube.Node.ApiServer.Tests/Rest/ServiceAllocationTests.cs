using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using LocalKube.Node.ApiServer.Rest;
using LocalKube.Node.ApiServer.Resources;
using LocalKube.Testing;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.Rest;

/// <summary>
/// ClusterIP and NodePort allocation and the bootstrap <c>kubernetes</c> Service, with a minimal stand-in Service
/// strategy (the real one comes from the catalog), across an agent restart on the same data.
/// </summary>
[TestFixture]
public sealed class ServiceAllocationTests
{
    [Test]
    public async Task Allocates_honours_refuses_conflicts_releases_and_survives_restart()
    {
        using var pki = new TestPki();
        using var temp = new TempDirectory("lk-svc");
        var data = new TempDirectory("lk-svc-agent");
        var agent = await RunningAgent.StartAsync(pki, dataDir: data);
        agent.KeepData = true;
        V1Service auto;
        using (var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(pki.WriteKubeconfig(temp.Combine("kc"), agent.Port))))
        {
            var kubernetes = await client.ReadNamespacedServiceAsync("kubernetes", "default");
            Assert.That(kubernetes.Spec.ClusterIP, Is.EqualTo("10.96.0.1"));
            Assert.That(kubernetes.Spec.Ports.Single().Port, Is.EqualTo(443));

            auto = await client.CreateNamespacedServiceAsync(Service("auto", null, "NodePort"), "default");
            Assert.That(auto.Spec.ClusterIP, Does.StartWith("10."));
            Assert.That(auto.Spec.ClusterIPs, Is.EqualTo(new[] { auto.Spec.ClusterIP }));
            Assert.That(auto.Spec.Ports[0].NodePort, Is.InRange(30000, 32767));

            await client.CreateNamespacedServiceAsync(Service("fixed", "10.96.0.50", "ClusterIP"), "default");
            var taken = await Failure(() => client.CreateNamespacedServiceAsync(Service("clash", "10.96.0.50", "ClusterIP"), "default"));
            Assert.That(taken, Does.Contain("spec.clusterIPs: Invalid value: []string{\"10.96.0.50\"}: failed to allocate IP 10.96.0.50: provided IP is already allocated"));
            var outside = await Failure(() => client.CreateNamespacedServiceAsync(Service("out", "192.168.1.1", "ClusterIP"), "default"));
            Assert.That(outside, Does.Contain("the provided IP (192.168.1.1) is not in the valid range. The range of valid IPs is 10.96.0.0/12"));
            var port = Service("port", null, "NodePort");
            port.Spec.Ports[0].NodePort = auto.Spec.Ports[0].NodePort;
            Assert.That(await Failure(() => client.CreateNamespacedServiceAsync(port, "default")), Does.Contain("provided port is already allocated"));

            await client.DeleteNamespacedServiceAsync("fixed", "default");
            var reused = await client.CreateNamespacedServiceAsync(Service("again", "10.96.0.50", "ClusterIP"), "default");
            Assert.That(reused.Spec.ClusterIP, Is.EqualTo("10.96.0.50"));
        }

        await agent.DisposeAsync();
        agent = await RunningAgent.StartAsync(pki, dataDir: data);
        try
        {
            using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(pki.WriteKubeconfig(temp.Combine("kc2"), agent.Port)));
            var clash = Service("after-restart", auto.Spec.ClusterIP, "ClusterIP");
            Assert.That(await Failure(() => client.CreateNamespacedServiceAsync(clash, "default")), Does.Contain("provided IP is already allocated"));
        }
        finally
        {
            await agent.DisposeAsync();
            data.Dispose();
        }
    }

    private static V1Service Service(string name, string? ip, string type) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1ServiceSpec { ClusterIP = ip, Type = type, Ports = [new V1ServicePort { Port = 80, Protocol = "TCP" }] },
    };

    private static async Task<string> Failure(Func<Task> call)
    {
        var e = Assert.ThrowsAsync<HttpOperationException>(async () => await call());
        await Task.CompletedTask;
        Assert.That(e!.Response.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.UnprocessableEntity));
        return JsonDocument.Parse(e.Response.Content).RootElement.GetProperty("message").GetString()!;
    }
}
