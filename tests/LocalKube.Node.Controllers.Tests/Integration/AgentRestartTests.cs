using k8s;
using k8s.Models;
using LocalKube.Node.Controllers.Tests.Support;
using NUnit.Framework;

namespace LocalKube.Node.Controllers.Tests.Integration;

/// <summary>The agent stopped and started under a rollout (its own agent: the restart is the point).</summary>
[TestFixture]
[NonParallelizable]
public sealed class AgentRestartTests
{
    private WorkloadAgent _w = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _w = await WorkloadAgent.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _w.DisposeAsync();

    [Test]
    public async Task AgentRestartMidRollout_ResumesWithoutEverExceedingMaxSurge()
    {
        var ns = await _w.NamespaceAsync("restart");
        await _w.Admin.AppsV1.CreateNamespacedDeploymentAsync(DeploymentControllerTests.Deployment("r", 6, "nginx:1", maxSurge: "1", maxUnavailable: "0"), ns);
        await _w.KubectlOkAsync("rollout", "status", "deployment/r", "-n", ns, "--timeout=60s");
        using var high = _w.TrackPods(ns);
        var patch = new V1Patch("{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx:2\"}]}}}}", V1Patch.PatchType.StrategicMergePatch);
        await _w.Admin.AppsV1.PatchNamespacedDeploymentAsync(patch, "r", ns);
        await WorkloadAgent.EventuallyAsync(() => _w.Admin.AppsV1.ReadNamespacedDeploymentAsync("r", ns), d => (d.Status?.UpdatedReplicas ?? 0) >= 2, "the rollout under way");

        await _w.Agent.RestartAsync(TimeSpan.FromMilliseconds(300));
        await _w.KubectlOkAsync("rollout", "status", "deployment/r", "-n", ns, "--timeout=90s");
        Assert.That(high.Max, Is.LessThanOrEqualTo(7));
    }

}
