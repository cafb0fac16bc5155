using k8s.Models;
using LocalKube.Node.Scheduler.Cache;
using LocalKube.Node.Scheduler.Framework;
using static LocalKube.Node.Scheduler.Tests.Objects;

namespace LocalKube.Node.Scheduler.Tests;

[TestFixture]
[Category("Unit")]
public sealed class SchedulerCacheTests
{
    [Test]
    public void AssumedPod_CountsUntilConfirmed_OrForgotten()
    {
        var cache = new SchedulerCache();
        cache.SetNode(MakeNode(cpu: "1"));
        cache.Assume(new PodInfo(Pod("a", cpu: "1")), "minikube");
        Assert.That(Schedule(Pod("b", cpu: "1"), cache), Does.StartWith("0/1 nodes are available: 1 Insufficient cpu."));

        cache.Forget("default/a");
        Assert.That(Schedule(Pod("b", cpu: "1"), cache), Is.EqualTo("minikube"));

        cache.Assume(new PodInfo(Pod("a", cpu: "1")), "minikube");
        Assert.That(cache.SetPod(Pod("a", cpu: "1").On("minikube")), Is.EqualTo(ClusterEvents.AssignedPodAdd));
        cache.Forget("default/a");
        Assert.That(cache.IsAssumed("default/a"), Is.False);
        Assert.That(Schedule(Pod("b", cpu: "1"), cache), Does.StartWith("0/1 nodes are available: 1 Insufficient cpu."), "a confirmed pod is not forgotten");
    }

    [Test]
    public void FinishedPod_FreesItsResources()
    {
        var cache = new SchedulerCache();
        cache.SetNode(MakeNode(cpu: "1"));
        var pod = Pod("a", cpu: "1").On("minikube");
        cache.SetPod(pod);
        pod.Status.Phase = "Succeeded";
        Assert.That(cache.SetPod(pod), Is.EqualTo(ClusterEvents.AssignedPodDelete));
        Assert.That(Schedule(Pod("b", cpu: "1"), cache), Is.EqualTo("minikube"));
    }

    [Test]
    public void NodeChanges_ClassifiedForTheQueue()
    {
        var cache = new SchedulerCache();
        Assert.That(cache.SetNode(MakeNode()), Is.EqualTo(ClusterEvents.NodeAdd));
        var tainted = MakeNode(taints: new V1Taint { Key = "k", Effect = "NoSchedule" });
        Assert.That(cache.SetNode(tainted), Is.EqualTo(ClusterEvents.NodeTaint));
        var relabelled = MakeNode(taints: new V1Taint { Key = "k", Effect = "NoSchedule" });
        relabelled.Metadata.Labels["x"] = "y";
        Assert.That(cache.SetNode(relabelled), Is.EqualTo(ClusterEvents.NodeLabel));
        var bigger = MakeNode(cpu: "4", taints: new V1Taint { Key = "k", Effect = "NoSchedule" });
        bigger.Metadata.Labels["x"] = "y";
        Assert.That(cache.SetNode(bigger), Is.EqualTo(ClusterEvents.NodeAllocatable));
    }

    [Test]
    public void PodsOfAnUnknownNode_KeptButNotSchedulable()
    {
        var cache = new SchedulerCache();
        cache.SetPod(Pod("a").On("ghost"));
        lock (cache.Lock)
        {
            Assert.That(cache.Nodes, Is.Empty);
        }

        cache.SetNode(MakeNode("ghost"));
        lock (cache.Lock)
        {
            Assert.That(cache.Nodes.Single().PodCount, Is.EqualTo(1));
        }
    }

    private static string Schedule(V1Pod pod, SchedulerCache cache)
    {
        lock (cache.Lock)
        {
            return Render(SchedulingFramework.CreateDefault().Schedule(new PodInfo(pod), new ClusterSnapshot(cache.Nodes, new FakeListers())));
        }
    }
}
