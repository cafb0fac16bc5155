using k8s;
using k8s.Models;
using LocalKube.Node.Controllers.Tests.Support;
using NUnit.Framework;

namespace LocalKube.Node.Controllers.Tests.Integration;

/// <summary>Deployments against the real agent (API server, controllers), a fake kubelet, and the real kubectl.</summary>
[TestFixture]
[NonParallelizable]
public sealed class DeploymentControllerTests
{
    private WorkloadAgent _w = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _w = await WorkloadAgent.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _w.DisposeAsync();

    [Test]
    public async Task RollingUpdate_MaxSurgeOne_NeverAboveReplicasPlusOne_AndHistoryHasTwoRevisions()
    {
        var ns = await _w.NamespaceAsync("roll");
        await _w.Admin.AppsV1.CreateNamespacedDeploymentAsync(Deployment("web", 4, "nginx:1", maxSurge: "1", maxUnavailable: "0"), ns);
        await _w.KubectlOkAsync("rollout", "status", "deployment/web", "-n", ns, "--timeout=60s");
        using var high = _w.TrackPods(ns);

        await _w.KubectlOkAsync("set", "image", "deployment/web", "c=nginx:2", "-n", ns);
        var status = await _w.KubectlOkAsync("rollout", "status", "deployment/web", "-n", ns, "--timeout=60s");
        var history = await _w.KubectlOkAsync("rollout", "history", "deployment/web", "-n", ns);

        Assert.Multiple(() =>
        {
            Assert.That(status, Does.Contain("deployment \"web\" successfully rolled out"));
            Assert.That(high.Max, Is.LessThanOrEqualTo(5), "replicas + maxSurge");
            Assert.That(high.Events, Is.GreaterThan(8), "every pod event was watched");
            Assert.That(history, Does.Match(@"REVISION\s+CHANGE-CAUSE\s+1\s+<none>\s+2\s+<none>"));
        });
    }

    [Test]
    public async Task Undo_PauseResume_Restart_WithKubectl()
    {
        var ns = await _w.NamespaceAsync("undo");
        await _w.Admin.AppsV1.CreateNamespacedDeploymentAsync(Deployment("app", 2, "nginx:1"), ns);
        await _w.KubectlOkAsync("rollout", "status", "deployment/app", "-n", ns, "--timeout=60s");
        await _w.KubectlOkAsync("set", "image", "deployment/app", "c=nginx:2", "-n", ns);
        await _w.KubectlOkAsync("rollout", "status", "deployment/app", "-n", ns, "--timeout=60s");

        Assert.That(await _w.KubectlOkAsync("rollout", "undo", "deployment/app", "-n", ns), Does.Contain("deployment.apps/app rolled back"));
        await _w.KubectlOkAsync("rollout", "status", "deployment/app", "-n", ns, "--timeout=60s");
        var d = await _w.Admin.AppsV1.ReadNamespacedDeploymentAsync("app", ns);
        Assert.That(d.Spec.Template.Spec.Containers[0].Image, Is.EqualTo("nginx:1"));
        Assert.That(d.Metadata.Annotations["deployment.kubernetes.io/revision"], Is.EqualTo("3"));
        Assert.That(await _w.KubectlOkAsync("rollout", "history", "deployment/app", "-n", ns, "--revision=3"), Does.Contain("nginx:1"));

        await _w.KubectlOkAsync("rollout", "pause", "deployment/app", "-n", ns);
        await _w.KubectlOkAsync("set", "image", "deployment/app", "c=nginx:3", "-n", ns);
        d = await WorkloadAgent.EventuallyAsync(() => _w.Admin.AppsV1.ReadNamespacedDeploymentAsync("app", ns), x => x.Status?.Conditions?.Any(c => c.Reason == "DeploymentPaused") == true, "the paused condition");
        var sets = await _w.Admin.AppsV1.ListNamespacedReplicaSetAsync(ns);
        Assert.That(sets.Items, Has.Count.EqualTo(2), "no rollout while paused");
        await _w.KubectlOkAsync("rollout", "resume", "deployment/app", "-n", ns);
        await _w.KubectlOkAsync("rollout", "status", "deployment/app", "-n", ns, "--timeout=60s");

        await _w.KubectlOkAsync("rollout", "restart", "deployment/app", "-n", ns);
        await _w.KubectlOkAsync("rollout", "status", "deployment/app", "-n", ns, "--timeout=60s");
        sets = await _w.Admin.AppsV1.ListNamespacedReplicaSetAsync(ns);
        Assert.That(sets.Items, Has.Count.EqualTo(4));
        var newest = sets.Items.OrderByDescending(r => int.Parse(r.Metadata.Annotations["deployment.kubernetes.io/revision"], System.Globalization.CultureInfo.InvariantCulture)).First();
        Assert.That(newest.Spec.Template.Metadata.Annotations, Does.ContainKey("kubectl.kubernetes.io/restartedAt"));
        Assert.That(newest.Status.AvailableReplicas, Is.EqualTo(2));
    }

    [Test]
    public async Task ScaleDown_RemovesNotReadyPodsFirst()
    {
        var ns = await _w.NamespaceAsync("scale");
        var sick = 0;
        _w.Kubelet.Behaviour = p => p.Metadata.NamespaceProperty == ns && Interlocked.Increment(ref sick) == 2 ? PodOutcome.NotReady : PodOutcome.Running;
        try
        {
            await _w.Admin.AppsV1.CreateNamespacedDeploymentAsync(Deployment("s", 3, "nginx:1"), ns);
            var pods = await WorkloadAgent.EventuallyAsync(() => _w.Admin.CoreV1.ListNamespacedPodAsync(ns), l => l.Items.Count == 3 && l.Items.All(p => p.Status?.Phase == "Running"), "three running pods");
            var notReady = pods.Items.Single(p => p.Status.Conditions.Single(c => c.Type == "Ready").Status == "False").Metadata.Name;

            await _w.KubectlOkAsync("scale", "deployment/s", "--replicas=2", "-n", ns);
            var left = await WorkloadAgent.EventuallyAsync(() => _w.Admin.CoreV1.ListNamespacedPodAsync(ns), l => l.Items.Count(p => p.Metadata.DeletionTimestamp is null) == 2, "two pods");
            Assert.That(left.Items.Where(p => p.Metadata.DeletionTimestamp is null).Select(p => p.Metadata.Name), Has.No.Member(notReady));
        }
        finally
        {
            _w.Kubelet.Behaviour = _ => PodOutcome.Running;
        }
    }

    [Test]
    public async Task NeverReady_ProgressDeadlineExceeded_RolloutStatusFails()
    {
        var ns = await _w.NamespaceAsync("deadline");
        _w.Kubelet.Behaviour = p => p.Metadata.NamespaceProperty == ns ? PodOutcome.NotReady : PodOutcome.Running;
        try
        {
            var d = Deployment("stuck", 1, "nginx:1");
            d.Spec.ProgressDeadlineSeconds = 3;
            await _w.Admin.AppsV1.CreateNamespacedDeploymentAsync(d, ns);
            var (code, output) = await _w.KubectlAsync("rollout", "status", "deployment/stuck", "-n", ns, "--timeout=60s");
            Assert.That(code, Is.Not.Zero);
            Assert.That(output, Does.Contain("error: deployment \"stuck\" exceeded its progress deadline"));
            d = await _w.Admin.AppsV1.ReadNamespacedDeploymentAsync("stuck", ns);
            var progressing = d.Status.Conditions.Single(c => c.Type == "Progressing");
            Assert.That(progressing.Reason, Is.EqualTo("ProgressDeadlineExceeded"));
            Assert.That(progressing.Message, Does.Match("^ReplicaSet \"stuck-[a-z0-9]+\" has timed out progressing\\.$"));
        }
        finally
        {
            _w.Kubelet.Behaviour = _ => PodOutcome.Running;
        }
    }

    internal static V1Deployment Deployment(string name, int replicas, string image, string maxSurge = "25%", string maxUnavailable = "25%") => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Strategy = new V1DeploymentStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = maxSurge, MaxUnavailable = maxUnavailable } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec { NodeName = "test-node", Containers = [new V1Container { Name = "c", Image = image }] },
            },
        },
    };
}
