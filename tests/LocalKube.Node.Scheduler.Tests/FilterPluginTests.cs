using k8s.Models;
using LocalKube.Node.Scheduler.Framework;
using static LocalKube.Node.Scheduler.Tests.Objects;

namespace LocalKube.Node.Scheduler.Tests;

/// <summary>Each filter's accept and reject cases, through the default framework.</summary>
[TestFixture]
[Category("Unit")]
public sealed class FilterPluginTests
{
    [Test]
    public void Resources_FitExactly_Then_OneMoreMillicoreFails()
    {
        var node = Info(MakeNode(cpu: "2"), Pod("a", cpu: "1500m").On("minikube"));
        Assert.That(Schedule(Pod("b", cpu: "500m"), node), Is.EqualTo("minikube"));
        Assert.That(Schedule(Pod("c", cpu: "501m"), node), Does.StartWith("0/1 nodes are available: 1 Insufficient cpu."));
    }

    [Test]
    public void Resources_ExtendedResource_Insufficient()
    {
        var pod = Pod("gpu");
        pod.Spec.Containers[0].Resources.Requests["nvidia.com/gpu"] = new ResourceQuantity("1");
        Assert.That(Schedule(pod, Info(MakeNode())), Does.StartWith("0/1 nodes are available: 1 Insufficient nvidia.com/gpu."));
    }

    [Test]
    public void Resources_EphemeralStorage_Insufficient()
    {
        var pod = Pod("disk");
        pod.Spec.Containers[0].Resources.Requests["ephemeral-storage"] = new ResourceQuantity("200Gi");
        Assert.That(Schedule(pod, Info(MakeNode())), Does.StartWith("0/1 nodes are available: 1 Insufficient ephemeral-storage."));
    }

    [Test]
    public void Resources_TerminalPodsAreNotOnTheNode_ButTerminatingOnesAre()
    {
        var terminating = Pod("t", cpu: "2").On("minikube");
        terminating.Metadata.DeletionTimestamp = DateTime.UtcNow;
        Assert.That(Schedule(Pod("b", cpu: "1"), Info(MakeNode(cpu: "2"), terminating)), Does.StartWith("0/1 nodes are available: 1 Insufficient cpu."));
    }

    [Test]
    public void NodeSelector_MatchAndMismatch()
    {
        var pod = Pod("p");
        pod.Spec.NodeSelector = new Dictionary<string, string> { ["kubernetes.io/os"] = "linux" };
        Assert.That(Schedule(pod, Info(MakeNode())), Is.EqualTo("minikube"));
        pod.Spec.NodeSelector["disktype"] = "ssd";
        Assert.That(Schedule(pod, Info(MakeNode())), Is.EqualTo(
            "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.."));
    }

    [TestCase("In", new[] { "linux", "windows" }, true)]
    [TestCase("NotIn", new[] { "linux" }, false)]
    [TestCase("Exists", new string[0], true)]
    [TestCase("DoesNotExist", new string[0], false)]
    public void NodeAffinity_Operators(string op, string[] values, bool fits)
    {
        var pod = WithRequiredNodeAffinity(Pod("p"), new V1NodeSelectorRequirement { Key = "kubernetes.io/os", OperatorProperty = op, Values = values });
        Assert.That(Schedule(pod, Info(MakeNode())) == "minikube", Is.EqualTo(fits));
    }

    [TestCase("Gt", "3", true)]
    [TestCase("Gt", "4", false)]
    [TestCase("Lt", "5", true)]
    [TestCase("Lt", "x", false)]
    public void NodeAffinity_NumericOperators(string op, string bound, bool fits)
    {
        var node = MakeNode();
        node.Metadata.Labels["cores"] = "4";
        var pod = WithRequiredNodeAffinity(Pod("p"), new V1NodeSelectorRequirement { Key = "cores", OperatorProperty = op, Values = [bound] });
        Assert.That(Schedule(pod, Info(node)) == "minikube", Is.EqualTo(fits));
    }

    [Test]
    public void NodeAffinity_MatchFieldsName_PinsDaemonPods()
    {
        var pod = WithRequiredNodeAffinity(Pod("ds"), null, new V1NodeSelectorRequirement { Key = "metadata.name", OperatorProperty = "In", Values = ["b"] });
        Assert.That(Schedule(pod, Info(MakeNode("a")), Info(MakeNode("b"))), Is.EqualTo("b"));
    }

    [Test]
    public void Tolerations_ExistsWithoutKeyToleratesEverything_EqualNeedsTheValue()
    {
        var node = Info(MakeNode(taints: new V1Taint { Key = "dedicated", Value = "gpu", Effect = "NoSchedule" }));
        var pod = Pod("p");
        pod.Spec.Tolerations = [new V1Toleration { Key = "dedicated", OperatorProperty = "Equal", Value = "cpu", Effect = "NoSchedule" }];
        Assert.That(Schedule(pod, node), Does.Contain("untolerated taint {dedicated: gpu}"));
        pod.Spec.Tolerations = [new V1Toleration { Key = "dedicated", Value = "gpu" }];
        Assert.That(Schedule(pod, node), Is.EqualTo("minikube"));
        pod.Spec.Tolerations = [new V1Toleration { OperatorProperty = "Exists" }];
        Assert.That(Schedule(pod, node), Is.EqualTo("minikube"));
    }

    [Test]
    public void Tolerations_PreferNoScheduleNeverRejects_ButScoresLower()
    {
        var soft = Info(MakeNode("soft", taints: new V1Taint { Key = "k", Effect = "PreferNoSchedule" }));
        var clean = Info(MakeNode("clean"));
        Assert.That(Schedule(Pod("p"), soft), Is.EqualTo("soft"));
        Assert.That(Schedule(Pod("p"), soft, clean), Is.EqualTo("clean"));
    }

    [Test]
    public void Cordoned_ToleratedByTheUnschedulableToleration()
    {
        var node = MakeNode();
        node.Spec.Unschedulable = true;
        var pod = Pod("p");
        pod.Spec.Tolerations = [new V1Toleration { Key = "node.kubernetes.io/unschedulable", OperatorProperty = "Exists", Effect = "NoSchedule" }];
        Assert.That(Schedule(pod, Info(node)), Is.EqualTo("minikube"));
    }

    [Test]
    public void HostPorts_SameProtocolAndPortConflict_WildcardConflictsWithAnyIp()
    {
        var node = Info(MakeNode(), WithHostPort(Pod("a"), 8080, "TCP", null).On("minikube"));
        Assert.That(Schedule(WithHostPort(Pod("b"), 8080, "UDP", null), node), Is.EqualTo("minikube"));
        Assert.That(Schedule(WithHostPort(Pod("c"), 8081, "TCP", null), node), Is.EqualTo("minikube"));
        Assert.That(Schedule(WithHostPort(Pod("d"), 8080, "TCP", "127.0.0.1"), node), Is.EqualTo(
            "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.."));
    }

    [Test]
    public void HostPorts_DifferentIps_DoNotConflict()
    {
        var node = Info(MakeNode(), WithHostPort(Pod("a"), 80, "TCP", "10.0.0.1").On("minikube"));
        Assert.That(Schedule(WithHostPort(Pod("b"), 80, "TCP", "10.0.0.2"), node), Is.EqualTo("minikube"));
    }

    [Test]
    public void PodAntiAffinity_AgainstAnExistingPod()
    {
        var node = Info(MakeNode(), Pod("web-1").Labelled("app", "web").On("minikube"));
        var pod = Pod("web-2").Labelled("app", "web");
        pod.Spec.Affinity = new V1Affinity { PodAntiAffinity = new V1PodAntiAffinity { RequiredDuringSchedulingIgnoredDuringExecution = [Term("app", "web")] } };
        Assert.That(Schedule(pod, node), Is.EqualTo(
            "0/1 nodes are available: 1 node(s) didn't match pod anti-affinity rules. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.."));
    }

    [Test]
    public void PodAntiAffinity_OfAnExistingPodRejectsTheNewcomer()
    {
        var existing = Pod("db").Labelled("app", "db").On("minikube");
        existing.Spec.Affinity = new V1Affinity { PodAntiAffinity = new V1PodAntiAffinity { RequiredDuringSchedulingIgnoredDuringExecution = [Term("app", "web")] } };
        Assert.That(Schedule(Pod("w").Labelled("app", "web"), Info(MakeNode(), existing)), Does.StartWith(
            "0/1 nodes are available: 1 node(s) didn't satisfy existing pods anti-affinity rules."));
    }

    [Test]
    public void PodAffinity_NeedsAMatchingPod_UnlessItIsTheFirstOfItsGroup()
    {
        var pod = Pod("cache").Labelled("app", "cache");
        pod.Spec.Affinity = new V1Affinity { PodAffinity = new V1PodAffinity { RequiredDuringSchedulingIgnoredDuringExecution = [Term("app", "web")] } };
        Assert.That(Schedule(pod, Info(MakeNode())), Is.EqualTo(
            "0/1 nodes are available: 1 node(s) didn't match pod affinity rules. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.."));
        Assert.That(Schedule(pod, Info(MakeNode(), Pod("web").Labelled("app", "web").On("minikube"))), Is.EqualTo("minikube"));

        var self = Pod("web-1").Labelled("app", "web");
        self.Spec.Affinity = pod.Spec.Affinity;
        Assert.That(Schedule(self, Info(MakeNode())), Is.EqualTo("minikube"), "a pod matching its own term may start the group");
    }

    [Test]
    public void PodAffinity_OtherNamespaceIgnored_UnlessNamespaceSelectorPicksIt()
    {
        var node = Info(MakeNode(), Pod("web", ns: "other").Labelled("app", "web").On("minikube"));
        var pod = Pod("cache");
        var term = Term("app", "web");
        pod.Spec.Affinity = new V1Affinity { PodAffinity = new V1PodAffinity { RequiredDuringSchedulingIgnoredDuringExecution = [term] } };
        Assert.That(Schedule(pod, node), Does.Contain("didn't match pod affinity rules"));

        term.NamespaceSelector = new V1LabelSelector();
        Assert.That(Schedule(pod, node), Is.EqualTo("minikube"));
    }

    [Test]
    public void TopologySpread_SkewOverMaxSkew_Rejected()
    {
        var a = Info(MakeNode("a"), Pod("x1").Labelled("app", "x").On("a"), Pod("x2").Labelled("app", "x").On("a"));
        var b = Info(MakeNode("b"));
        var pod = Pod("x3").Labelled("app", "x");
        pod.Spec.TopologySpreadConstraints = [new V1TopologySpreadConstraint
        {
            MaxSkew = 1, TopologyKey = "kubernetes.io/hostname", WhenUnsatisfiable = "DoNotSchedule",
            LabelSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "x" } },
        }];
        Assert.That(Schedule(pod, a, b), Is.EqualTo("b"));
        Assert.That(Schedule(pod, a, Info(MakeNode("b"), Pod("y").On("b"))), Is.EqualTo("b"));

        // Without the key, b is no domain at all: a is the only one, so its skew is 2 + 1 − 2.
        b.Node!.Metadata.Labels.Remove("kubernetes.io/hostname");
        Assert.That(Schedule(pod, a, b), Is.EqualTo("a"));

        // A tainted empty node still counts as a domain (nodeTaintsPolicy Ignore): a's skew is 3.
        var c = Info(MakeNode("c", taints: new V1Taint { Key = "k", Effect = "NoSchedule" }));
        Assert.That(Schedule(pod, a, b, c), Is.EqualTo(
            "0/3 nodes are available: 1 node(s) didn't match pod topology spread constraints, 1 node(s) didn't match pod topology spread constraints (missing required label), 1 node(s) had untolerated taint {k: }. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.."));
    }

    [Test]
    public void Scoring_SpreadsAcrossTwoNodes_ByLeastAllocated()
    {
        var busy = Info(MakeNode("busy"), Pod("a", cpu: "1500m", memory: "3Gi").On("busy"));
        var idle = Info(MakeNode("idle"));
        Assert.That(Schedule(Pod("p", cpu: "100m", memory: "100Mi"), busy, idle), Is.EqualTo("idle"));
    }

    [Test]
    public void Scoring_PreferredNodeAffinity_WinsOverAnEqualNode()
    {
        var ssd = MakeNode("ssd");
        ssd.Metadata.Labels["disk"] = "ssd";
        var pod = Pod("p");
        pod.Spec.Affinity = new V1Affinity
        {
            NodeAffinity = new V1NodeAffinity
            {
                PreferredDuringSchedulingIgnoredDuringExecution = [new V1PreferredSchedulingTerm
                {
                    Weight = 10,
                    Preference = new V1NodeSelectorTerm { MatchExpressions = [new V1NodeSelectorRequirement { Key = "disk", OperatorProperty = "In", Values = ["ssd"] }] },
                }],
            },
        };
        Assert.That(Schedule(pod, Info(MakeNode("hdd")), Info(ssd)), Is.EqualTo("ssd"));
    }

    private static V1PodAffinityTerm Term(string key, string value) => new()
    {
        TopologyKey = "kubernetes.io/hostname",
        LabelSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [key] = value } },
    };

    private static V1Pod WithHostPort(V1Pod pod, int port, string protocol, string? ip)
    {
        pod.Spec.Containers[0].Ports = [new V1ContainerPort { ContainerPort = port, HostPort = port, Protocol = protocol, HostIP = ip }];
        return pod;
    }

    private static V1Pod WithRequiredNodeAffinity(V1Pod pod, V1NodeSelectorRequirement? expression, V1NodeSelectorRequirement? field = null)
    {
        pod.Spec.Affinity = new V1Affinity
        {
            NodeAffinity = new V1NodeAffinity
            {
                RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector
                {
                    NodeSelectorTerms = [new V1NodeSelectorTerm
                    {
                        MatchExpressions = expression is null ? null : [expression],
                        MatchFields = field is null ? null : [field],
                    }],
                },
            },
        };
        return pod;
    }
}
