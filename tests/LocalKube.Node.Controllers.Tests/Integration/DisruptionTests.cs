using k8s;
using k8s.Models;
using LocalKube.Node.Controllers.Tests.Support;
using NUnit.Framework;

namespace LocalKube.Node.Controllers.Tests.Integration;

/// <summary>PodDisruptionBudget status and <c>kubectl drain</c> honouring it through the eviction API.</summary>
[TestFixture]
[NonParallelizable]
public sealed class DisruptionTests
{
    private WorkloadAgent _w = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _w = await WorkloadAgent.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _w.DisposeAsync();

    [Test]
    public async Task Drain_RespectsTheBudget()
    {
        var ns = await _w.NamespaceAsync("drain");
        await _w.Admin.AppsV1.CreateNamespacedDeploymentAsync(DeploymentControllerTests.Deployment("web", 2, "nginx:1"), ns);
        await _w.KubectlOkAsync("rollout", "status", "deployment/web", "-n", ns, "--timeout=60s");
        await _w.KubectlOkAsync("create", "poddisruptionbudget", "web", "-n", ns, "--selector=app=web", "--min-available=2");
        var pdb = await WorkloadAgent.EventuallyAsync(
            () => _w.Admin.PolicyV1.ReadNamespacedPodDisruptionBudgetAsync("web", ns), p => p.Status?.CurrentHealthy == 2, "the budget's status");
        Assert.Multiple(() =>
        {
            Assert.That(pdb.Status.DesiredHealthy, Is.EqualTo(2));
            Assert.That(pdb.Status.ExpectedPods, Is.EqualTo(2));
            Assert.That(pdb.Status.DisruptionsAllowed, Is.Zero);
            Assert.That(pdb.Status.Conditions.Single().Reason, Is.EqualTo("InsufficientPods"));
        });

        try
        {
            var (code, output) = await _w.KubectlAsync("drain", _w.NodeName, "--ignore-daemonsets", "--pod-selector=app=web", "--timeout=4s");
            Assert.That(code, Is.Not.Zero, output);
            Assert.That(output, Does.Contain("Cannot evict pod as it would violate the pod's disruption budget."));

            await _w.KubectlOkAsync("patch", "pdb/web", "-n", ns, "--type=merge", "-p", "{\"spec\":{\"minAvailable\":1}}");
            await WorkloadAgent.EventuallyAsync(
                () => _w.Admin.PolicyV1.ReadNamespacedPodDisruptionBudgetAsync("web", ns), p => p.Status?.DisruptionsAllowed == 1, "one disruption allowed");
            var drained = await _w.KubectlOkAsync("drain", _w.NodeName, "--ignore-daemonsets", "--pod-selector=app=web", "--timeout=60s");
            Assert.That(drained, Does.Contain("drained"));
        }
        finally
        {
            await _w.KubectlAsync("uncordon", _w.NodeName);
        }
    }
}
