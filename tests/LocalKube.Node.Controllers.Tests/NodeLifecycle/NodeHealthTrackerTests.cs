using k8s.Models;
using LocalKube.Node.Controllers.NodeLifecycle;
using NUnit.Framework;

namespace LocalKube.Node.Controllers.Tests.NodeLifecycle;

[TestFixture]
[Category("Unit")]
public sealed class NodeHealthTrackerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Test]
    public void LeaseRenewals_KeepTheNodeReady_StoppedRenewals_UnknownAfterGrace()
    {
        var tracker = new NodeHealthTracker(TimeSpan.FromSeconds(40), TimeSpan.FromSeconds(60));
        var lease = Lease(T0);
        Assert.That(tracker.Check(ReadyNode(), lease, T0).UpdatedStatus, Is.Null);

        // The status heartbeat stays old; only the Lease moves.
        Assert.That(tracker.Check(ReadyNode(), Lease(T0.AddSeconds(30)), T0.AddSeconds(30)).UpdatedStatus, Is.Null);
        Assert.That(tracker.Check(ReadyNode(), Lease(T0.AddSeconds(30)), T0.AddSeconds(70)).UpdatedStatus, Is.Null, "exactly at the grace period");

        var node = ReadyNode();
        var check = tracker.Check(node, Lease(T0.AddSeconds(30)), T0.AddSeconds(71));
        var ready = check.Current!;
        Assert.Multiple(() =>
        {
            Assert.That(check.Observed.Status, Is.EqualTo("True"));
            Assert.That((ready.Status, ready.Reason, ready.Message), Is.EqualTo(("Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status.")));
            Assert.That(ready.LastTransitionTime, Is.EqualTo(T0.AddSeconds(71).UtcDateTime));
            Assert.That(check.UpdatedStatus!.Conditions.Select(c => (c.Type, c.Status)), Is.EquivalentTo(new[]
            {
                ("Ready", "Unknown"), ("MemoryPressure", "Unknown"), ("DiskPressure", "Unknown"), ("PIDPressure", "Unknown"),
            }));
            Assert.That(check.UpdatedStatus.Conditions.Single(c => c.Type == "PIDPressure").Reason, Is.EqualTo("NodeStatusNeverUpdated"));
        });
    }

    [Test]
    public void AlreadyUnknown_NoFurtherWrite()
    {
        var tracker = new NodeHealthTracker(TimeSpan.FromSeconds(40), TimeSpan.FromSeconds(60));
        tracker.Check(ReadyNode(), Lease(T0), T0);
        var first = tracker.Check(ReadyNode(), Lease(T0), T0.AddSeconds(41));
        var unknown = new V1Node { Metadata = ReadyNode().Metadata, Status = first.UpdatedStatus };
        Assert.That(tracker.Check(unknown, Lease(T0), T0.AddSeconds(50)).UpdatedStatus, Is.Null);
    }

    [Test]
    public void KubeletNeverPosted_StartupGrace()
    {
        var tracker = new NodeHealthTracker(TimeSpan.FromSeconds(40), TimeSpan.FromSeconds(60));
        var fresh = new V1Node { Metadata = new V1ObjectMeta { Name = "n", CreationTimestamp = T0.UtcDateTime }, Status = new V1NodeStatus() };
        Assert.That(tracker.Check(fresh, null, T0.AddSeconds(50)).UpdatedStatus, Is.Null);
        var late = tracker.Check(new V1Node { Metadata = fresh.Metadata, Status = new V1NodeStatus() }, null, T0.AddSeconds(61));
        Assert.That(late.UpdatedStatus!.Conditions.Single(c => c.Type == "Ready").Reason, Is.EqualTo("NodeStatusNeverUpdated"));
    }

    [Test]
    public void NoScheduleTaints_FollowConditionsAndCordon()
    {
        var node = ReadyNode();
        node.Status.Conditions[0].Status = "Unknown";
        node.Spec = new V1NodeSpec { Unschedulable = true, Taints = [new V1Taint { Key = "node.kubernetes.io/not-ready", Effect = "NoSchedule" }, new V1Taint { Key = "mine", Effect = "NoSchedule" }] };
        var (add, remove) = NodeTaints.NoScheduleDiff(node);
        Assert.Multiple(() =>
        {
            Assert.That(add.Select(t => t.Key), Is.EquivalentTo(new[] { "node.kubernetes.io/unreachable", "node.kubernetes.io/unschedulable" }));
            Assert.That(remove.Select(t => t.Key), Is.EqualTo(new[] { "node.kubernetes.io/not-ready" }), "a user's taint is never touched");
        });
        var swapped = NodeTaints.Swap(node, add, remove, T0.UtcDateTime)!;
        Assert.That(swapped.Select(t => t.Key), Is.EquivalentTo(new[] { "mine", "node.kubernetes.io/unreachable", "node.kubernetes.io/unschedulable" }));
        Assert.That(swapped.Single(t => t.Key == "node.kubernetes.io/unreachable").TimeAdded, Is.EqualTo(T0.UtcDateTime));
    }

    [Test]
    public void Zones_OneNodeNotReady_IsFullDisruption()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Zones.StateOf([new V1NodeCondition { Status = "Unknown" }]), Is.EqualTo(ZoneState.FullDisruption));
            Assert.That(Zones.StateOf([new V1NodeCondition { Status = "Unknown" }, new V1NodeCondition { Status = "True" }]), Is.EqualTo(ZoneState.Normal));
            Assert.That(Zones.StateOf([null, null, null, new V1NodeCondition { Status = "True" }]), Is.EqualTo(ZoneState.PartialDisruption));
        });
    }

    private static V1Node ReadyNode() => new()
    {
        Metadata = new V1ObjectMeta { Name = "minikube", CreationTimestamp = T0.UtcDateTime },
        Status = new V1NodeStatus
        {
            Conditions =
            [
                new V1NodeCondition { Type = "Ready", Status = "True", Reason = "KubeletReady", LastHeartbeatTime = T0.UtcDateTime, LastTransitionTime = T0.UtcDateTime },
                new V1NodeCondition { Type = "MemoryPressure", Status = "False", LastHeartbeatTime = T0.UtcDateTime, LastTransitionTime = T0.UtcDateTime },
                new V1NodeCondition { Type = "DiskPressure", Status = "False", LastHeartbeatTime = T0.UtcDateTime, LastTransitionTime = T0.UtcDateTime },
            ],
        },
    };

    private static V1Lease Lease(DateTimeOffset renew) => new()
    {
        Metadata = new V1ObjectMeta { Name = "minikube", NamespaceProperty = "kube-node-lease" },
        Spec = new V1LeaseSpec { RenewTime = renew.UtcDateTime, LeaseDurationSeconds = 40 },
    };
}
