using k8s.Models;
using LocalKube.Node.Controllers.PodGarbageCollector;
using NUnit.Framework;

namespace LocalKube.Node.Controllers.Tests.PodGarbageCollector;

[TestFixture]
[Category("Unit")]
public sealed class PodGcRulesTests
{
    [Test]
    public void OverThreshold_EvictedFirst_ThenOldest()
    {
        var pods = new[]
        {
            Pod("new", "Succeeded", minutesAgo: 1),
            Pod("old", "Failed", minutesAgo: 60),
            Pod("evicted", "Failed", minutesAgo: 5, reason: "Evicted"),
            Pod("running", "Running", minutesAgo: 100),
        };
        Assert.That(PodGcRules.TerminatedOverThreshold(pods, threshold: 1).Select(p => p.Metadata.Name), Is.EqualTo(new[] { "evicted", "old" }));
        Assert.That(PodGcRules.TerminatedOverThreshold(pods, threshold: 3), Is.Empty);
    }

    [Test]
    public void UnscheduledTerminating_Collected()
    {
        var pod = Pod("p", "Pending", 1);
        Assert.That(PodGcRules.IsUnscheduledTerminating(pod), Is.False);
        pod.Metadata.DeletionTimestamp = DateTime.UtcNow;
        Assert.That(PodGcRules.IsUnscheduledTerminating(pod), Is.True);
        pod.Spec.NodeName = "minikube";
        Assert.That(PodGcRules.IsUnscheduledTerminating(pod), Is.False);
    }

    [Test]
    public void OutOfService_OnlyWhenNotReadyAndTainted()
    {
        var pod = Pod("p", "Running", 1);
        pod.Metadata.DeletionTimestamp = DateTime.UtcNow;
        var node = new V1Node
        {
            Metadata = new V1ObjectMeta { Name = "minikube" },
            Spec = new V1NodeSpec { Taints = [new V1Taint { Key = "node.kubernetes.io/out-of-service", Effect = "NoExecute" }] },
            Status = new V1NodeStatus { Conditions = [new V1NodeCondition { Type = "Ready", Status = "False" }] },
        };
        Assert.That(PodGcRules.IsTerminatingOnOutOfServiceNode(pod, node), Is.True);
        node.Status.Conditions[0].Status = "True";
        Assert.That(PodGcRules.IsTerminatingOnOutOfServiceNode(pod, node), Is.False);
    }

    private static V1Pod Pod(string name, string phase, int minutesAgo, string? reason = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default", CreationTimestamp = DateTime.UtcNow.AddMinutes(-minutesAgo) },
        Spec = new V1PodSpec(),
        Status = new V1PodStatus { Phase = phase, Reason = reason },
    };
}
