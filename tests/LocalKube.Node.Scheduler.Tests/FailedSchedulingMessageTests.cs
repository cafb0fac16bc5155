using k8s.Models;
using LocalKube.Node.Scheduler.Framework;
using static LocalKube.Node.Scheduler.Tests.Objects;

namespace LocalKube.Node.Scheduler.Tests;

/// <summary>The FailedScheduling text byte for byte, as kube-scheduler 1.32 prints it (double period included).</summary>
[TestFixture]
[Category("Unit")]
public sealed class FailedSchedulingMessageTests
{
    [Test]
    public void TooMuchCpu_InsufficientCpu_NoVictims() =>
        Assert.That(Schedule(Pod("big", cpu: "1000"), Info(MakeNode())), Is.EqualTo(
            "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.."));

    // Beyond decimal's range (validation allows it): insufficient, not an overflow that fails the scheduling loop,
    // also on a node that already runs such a pod (a wrapped sum would make it look empty).
    [Test]
    public void CpuBeyondDecimalRange_InsufficientCpu() =>
        Assert.That(Schedule(Pod("huge", cpu: "1e40"), Info(MakeNode(), Pod("other", cpu: "2e40").On("minikube"))), Does.StartWith(
            "0/1 nodes are available: 1 Insufficient cpu."));

    [Test]
    public void CpuAndMemory_BothListed_SortedAsStrings() =>
        Assert.That(Schedule(Pod("big", cpu: "3", memory: "8Gi"), Info(MakeNode())), Is.EqualTo(
            "0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.."));

    [Test]
    public void UntoleratedTaint_NotHelpful() =>
        Assert.That(Schedule(Pod("p"), Info(MakeNode(taints: new V1Taint { Key = "node.kubernetes.io/not-ready", Effect = "NoSchedule" }))), Is.EqualTo(
            "0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.."));

    [Test]
    public void TaintWithValue_ShowsTheValue() =>
        Assert.That(Schedule(Pod("p"), Info(MakeNode(taints: new V1Taint { Key = "dedicated", Value = "gpu", Effect = "NoExecute" }))), Does.StartWith(
            "0/1 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}."));

    [Test]
    public void PodCountReached_TooManyPods()
    {
        var node = Info(MakeNode(pods: 1), Pod("a").On("minikube"));
        Assert.That(Schedule(Pod("b"), node), Is.EqualTo(
            "0/1 nodes are available: 1 Too many pods. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.."));
    }

    [Test]
    public void LowerPriorityPodThatWouldNotHelp_ItsFilterReasonIsRepeated()
    {
        // Evicting the small low-priority pod still leaves too little CPU: preemption reports the filter's reason.
        var node = Info(MakeNode(cpu: "2"), Pod("low", cpu: "100m", priority: 0).On("minikube"));
        Assert.That(Schedule(Pod("high", cpu: "3", priority: 1000), node), Is.EqualTo(
            "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 Insufficient cpu.."));
    }

    [Test]
    public void PreemptionPolicyNever_NotEligible()
    {
        var pod = Pod("p", cpu: "1000");
        pod.Spec.PreemptionPolicy = "Never";
        Assert.That(Schedule(pod, Info(MakeNode())), Is.EqualTo(
            "0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.."));
    }

    [Test]
    public void NoNodes_NoNodesAvailable() =>
        Assert.That(Schedule(Pod("p")), Is.EqualTo("no nodes available to schedule pods"));

    [Test]
    public void ManyNodes_CountsGoThroughGoStringSort()
    {
        var nodes = Enumerable.Range(0, 12).Select(i => Info(MakeNode("n" + i, cpu: "1"))).ToList();
        nodes.Add(Info(MakeNode("t1", taints: new V1Taint { Key = "k", Effect = "NoSchedule" })));
        nodes.Add(Info(MakeNode("t2", taints: new V1Taint { Key = "k", Effect = "NoSchedule" })));
        var result = SchedulingFramework.CreateDefault().Schedule(new PodInfo(Pod("p", cpu: "2")), Snapshot(nodes.ToArray()));

        // "12 Insufficient cpu" sorts before "2 node(s)…" byte-wise.
        Assert.That(result.FailureMessage, Is.EqualTo(
            "0/14 nodes are available: 12 Insufficient cpu, 2 node(s) had untolerated taint {k: }. preemption: 0/14 nodes are available: 12 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.."));
    }

    [Test]
    public void PreFilterRejection_OnlyItsMessage()
    {
        var pod = Pod("p");
        pod.Spec.Volumes = [new V1Volume { Name = "data", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = "missing" } }];
        Assert.That(Schedule(pod, Info(MakeNode())), Is.EqualTo(
            "0/1 nodes are available: persistentvolumeclaim \"missing\" not found. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.."));
    }

    [Test]
    public void DaemonPodPinnedToAnotherNode_FilteredOutByPreFilterResult()
    {
        var pod = Pod("ds");
        pod.Spec.Affinity = new V1Affinity
        {
            NodeAffinity = new V1NodeAffinity
            {
                RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector
                {
                    NodeSelectorTerms = [new V1NodeSelectorTerm { MatchFields = [new V1NodeSelectorRequirement { Key = "metadata.name", OperatorProperty = "In", Values = ["other"] }] }],
                },
            },
        };
        Assert.That(Schedule(pod, Info(MakeNode())), Is.EqualTo(
            "0/1 nodes are available: 1 node is filtered out by the prefilter result. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.."));
    }

    [Test]
    public void FirstFailingFilterDecides_CordonedAndTainted_OnlyUnschedulable()
    {
        var node = MakeNode(taints: new V1Taint { Key = "node.kubernetes.io/unschedulable", Effect = "NoSchedule" });
        node.Spec.Unschedulable = true;
        Assert.That(Schedule(Pod("p"), Info(node)), Is.EqualTo(
            "0/1 nodes are available: 1 node(s) were unschedulable. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.."));
    }
}
