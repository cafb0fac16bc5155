using k8s;
using k8s.Models;
using LocalKube.Node.Controllers.Tests.Support;
using NUnit.Framework;

namespace LocalKube.Node.Controllers.Tests.Integration;

/// <summary>StatefulSets and DaemonSets against the real agent and a fake kubelet.</summary>
[TestFixture]
[NonParallelizable]
public sealed class StatefulAndDaemonTests
{
    private WorkloadAgent _w = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _w = await WorkloadAgent.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _w.DisposeAsync();

    [Test]
    public async Task StatefulSetOfThree_PodsInOrder_ClaimsPerOrdinal()
    {
        var ns = await _w.NamespaceAsync("sts");
        var created = new List<string>();
        _w.Kubelet.Behaviour = p =>
        {
            if (p.Metadata.NamespaceProperty == ns)
            {
                lock (created)
                {
                    created.Add(p.Metadata.Name);
                }
            }

            return PodOutcome.Running;
        };
        var set = new V1StatefulSet
        {
            Metadata = new V1ObjectMeta { Name = "web" },
            Spec = new V1StatefulSetSpec
            {
                Replicas = 3,
                ServiceName = "web",
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web" } },
                    Spec = new V1PodSpec { NodeName = _w.NodeName, Containers = [new V1Container { Name = "c", Image = "nginx" }] },
                },
                VolumeClaimTemplates =
                [
                    new V1PersistentVolumeClaim
                    {
                        Metadata = new V1ObjectMeta { Name = "data" },
                        Spec = new V1PersistentVolumeClaimSpec
                        {
                            AccessModes = ["ReadWriteOnce"],
                            Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") } },
                        },
                    },
                ],
            },
        };
        await _w.Admin.AppsV1.CreateNamespacedStatefulSetAsync(set, ns);
        var status = await _w.KubectlOkAsync("rollout", "status", "statefulset/web", "-n", ns, "--timeout=60s");
        var claims = await _w.Admin.CoreV1.ListNamespacedPersistentVolumeClaimAsync(ns);
        var pod = await _w.Admin.CoreV1.ReadNamespacedPodAsync("web-1", ns);
        Assert.Multiple(() =>
        {
            Assert.That(created, Is.EqualTo(new[] { "web-0", "web-1", "web-2" }), "each after the previous is Ready");
            Assert.That(claims.Items.Select(c => c.Metadata.Name).Order(), Is.EqualTo(new[] { "data-web-0", "data-web-1", "data-web-2" }));
            Assert.That(pod.Spec.Volumes.Single(v => v.Name == "data").PersistentVolumeClaim.ClaimName, Is.EqualTo("data-web-1"));
            Assert.That(pod.Spec.Hostname, Is.EqualTo("web-1"));
            Assert.That(status, Does.Contain("partitioned roll out complete: 3 new pods have been updated..."));
        });

        // The default class "standard" and the hostPath provisioner give each claim its volume.
        claims = await WorkloadAgent.EventuallyAsync(
            () => _w.Admin.CoreV1.ListNamespacedPersistentVolumeClaimAsync(ns), l => l.Items.Count == 3 && l.Items.All(c => c.Status?.Phase == "Bound"), "three Bound claims");
        Assert.That(claims.Items.Select(c => (c.Spec.StorageClassName, c.Spec.VolumeName)), Is.EquivalentTo(claims.Items.Select(c => ("standard", "pvc-" + c.Metadata.Uid))));
    }

    [Test]
    public async Task DaemonSet_OnePodPinnedToTheNode()
    {
        var ns = await _w.NamespaceAsync("ds");
        var ds = new V1DaemonSet
        {
            Metadata = new V1ObjectMeta { Name = "agent" },
            Spec = new V1DaemonSetSpec
            {
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "agent" } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "agent" } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "fluentd" }] },
                },
            },
        };
        await _w.Admin.AppsV1.CreateNamespacedDaemonSetAsync(ds, ns);
        var pods = await WorkloadAgent.EventuallyAsync(() => _w.Admin.CoreV1.ListNamespacedPodAsync(ns), l => l.Items.Count == 1, "one daemon pod");
        await Task.Delay(500);
        pods = await _w.Admin.CoreV1.ListNamespacedPodAsync(ns);
        var pod = pods.Items.Single();
        var term = pod.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms.Single();
        Assert.Multiple(() =>
        {
            Assert.That(term.MatchFields.Single().Values, Is.EqualTo(new[] { _w.NodeName }));
            Assert.That(pod.Spec.Tolerations.Any(t => t.Key == "node.kubernetes.io/unreachable" && t.Effect == "NoExecute"));
            Assert.That(pod.Metadata.OwnerReferences.Single().Kind, Is.EqualTo("DaemonSet"));
        });
        var stored = await WorkloadAgent.EventuallyAsync(() => _w.Admin.AppsV1.ReadNamespacedDaemonSetAsync("agent", ns), d => d.Status?.DesiredNumberScheduled == 1, "the status");
        Assert.That(stored.Status.CurrentNumberScheduled, Is.EqualTo(1));
    }
}
