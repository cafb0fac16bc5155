using k8s;
using k8s.Models;
using LocalKube.Node.Controllers.NodeLifecycle;
using LocalKube.Node.Controllers.PodGarbageCollector;
using LocalKube.Node.Controllers.TaintEviction;
using LocalKube.Node.Controllers.Tests.Support;
using NUnit.Framework;

namespace LocalKube.Node.Controllers.Tests.Integration;

/// <summary>
/// A node whose kubelet stops: Unknown, tainted, its pods not ready, and evicted once their tolerations run out.
/// The node lifecycle controller runs with a 2 s grace period here (40 s in the agent).
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class NodeLifecycleTests
{
    private ControllerRig _rig = null!;

    // The kubelet identity may only touch its own node's objects.
    private string Node => _rig.Agent.Options.NodeName;

    private Kubernetes Admin => _rig.Admin;

    [OneTimeSetUp]
    public async Task StartAsync() => _rig = await ControllerRig.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _rig.DisposeAsync();

    [Test]
    public async Task KubeletStops_NodeUnknownAndTainted_PodsEvictedAfterTheirTolerations()
    {
        await Admin.CoreV1.CreateNodeAsync(new V1Node { Metadata = new V1ObjectMeta { Name = Node } });
        var heartbeat = await NodeHeartbeat.StartAsync(_rig.Agent.Kubelet, Node, TimeSpan.FromMilliseconds(500));
        await _rig.RunAsync(NodeLifecycleController.ControllerName, c => new NodeLifecycleController(c, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(500)));
        await _rig.RunAsync(TaintEvictionController.ControllerName, c => new TaintEvictionController(c));

        // The API server's DefaultTolerationSeconds gives every pod 300 s; "quick" tolerates unreachable for 2 s only.
        var quick = await BoundPodAsync("quick", new V1Toleration { Key = NodeTaints.Unreachable, OperatorProperty = "Exists", Effect = "NoExecute", TolerationSeconds = 2 });
        var patient = await BoundPodAsync("patient", null);
        Assert.That(patient.Spec.Tolerations.Select(t => (t.Key, t.TolerationSeconds)), Does.Contain((NodeTaints.Unreachable, (long?)300)));
        await _rig.SetPodStatusAsync("default", "quick", "10.244.0.8", ready: true);
        await _rig.SetPodStatusAsync("default", "patient", "10.244.0.9", ready: true);
        await Task.Delay(3000);
        var healthy = await Admin.CoreV1.ReadNodeAsync(Node);
        Assert.That(healthy.Spec?.Taints, Is.Null.Or.Empty, "a renewing kubelet keeps its node untainted");

        await heartbeat.DisposeAsync();
        var node = await ControllerRig.EventuallyAsync(
            () => Admin.CoreV1.ReadNodeAsync(Node), n => n.Spec?.Taints?.Any(t => t.Key == NodeTaints.Unreachable && t.Effect == "NoExecute") == true, "the unreachable taint");
        var ready = node.Status.Conditions.Single(c => c.Type == "Ready");
        Assert.Multiple(() =>
        {
            Assert.That(ready.Status, Is.EqualTo("Unknown"));
            Assert.That(ready.Reason, Is.EqualTo("NodeStatusUnknown"));
            Assert.That(ready.Message, Is.EqualTo("Kubelet stopped posting node status."));
            Assert.That(node.Spec.Taints.Select(t => (t.Key, t.Effect)), Does.Contain((NodeTaints.Unreachable, "NoSchedule")));
            Assert.That(node.Spec.Taints.Single(t => t.Effect == "NoExecute").TimeAdded, Is.Not.Null);
        });

        await ControllerRig.EventuallyAsync(
            () => Admin.CoreV1.ReadNamespacedPodAsync("patient", "default"),
            p => p.Status.Conditions.Single(c => c.Type == "Ready").Status == "False", "the pod marked not ready");
        await ControllerRig.EventuallyAsync(
            () => Admin.CoreV1.ReadNamespacedPodAsync("quick", "default"), p => p?.Metadata.DeletionTimestamp is not null, "the quick pod evicted");
        var evicted = await Admin.CoreV1.ReadNamespacedPodAsync("quick", "default");
        Assert.That(evicted.Status.Conditions.Single(c => c.Type == "DisruptionTarget").Reason, Is.EqualTo("DeletionByTaintManager"));
        var events = await Admin.CoreV1.ListNamespacedEventAsync("default", fieldSelector: "involvedObject.name=quick");
        Assert.That(events.Items.Select(e => e.Reason), Does.Contain("TaintManagerEviction"));
        var patientNow = await Admin.CoreV1.ReadNamespacedPodAsync("patient", "default");
        Assert.That(patientNow.Metadata.DeletionTimestamp, Is.Null, "300 s of toleration left");
    }

    [Test]
    public async Task PodGc_FinishedPodsOverThreshold_OldestGoFirst()
    {
        var ns = "podgc";
        await Admin.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        foreach (var name in new[] { "done-1", "done-2", "done-3" })
        {
            var pod = await Admin.CoreV1.CreateNamespacedPodAsync(
                new V1Pod { Metadata = new V1ObjectMeta { Name = name }, Spec = new V1PodSpec { NodeName = Node, Containers = [new V1Container { Name = "c", Image = "busybox" }] } }, ns);
            await _rig.SetPodStatusAsync(ns, name, "10.244.1.1", ready: false, phase: "Succeeded");
            await Task.Delay(1100);
        }

        await _rig.RunAsync(PodGarbageCollectorController.ControllerName, c => new PodGarbageCollectorController(c, threshold: 1));
        var left = await ControllerRig.EventuallyAsync(() => Admin.CoreV1.ListNamespacedPodAsync(ns), l => l.Items.Count == 1, "two finished pods collected");
        Assert.That(left.Items.Single().Metadata.Name, Is.EqualTo("done-3"));
    }

    private Task<V1Pod> BoundPodAsync(string name, V1Toleration? toleration) => Admin.CoreV1.CreateNamespacedPodAsync(
        new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new V1PodSpec
            {
                NodeName = Node,
                Containers = [new V1Container { Name = "c", Image = "nginx" }],
                Tolerations = toleration is null ? null : [toleration],
            },
        },
        "default");
}
