using LocalKube.Node.Scheduler.Framework;
using static LocalKube.Node.Scheduler.Tests.Objects;

namespace LocalKube.Node.Scheduler.Tests;

/// <summary>Preemption's choice of victims.</summary>
[TestFixture]
[Category("Unit")]
public sealed class PreemptionTests
{
    [Test]
    public void EvictsOnlyWhatIsNeeded_LowestPriorityFirst()
    {
        var node = Info(MakeNode(cpu: "2"),
            Pod("low", cpu: "1", priority: 1).On("minikube"),
            Pod("lower", cpu: "1", priority: 0).On("minikube"));
        var result = SchedulingFramework.CreateDefault().Schedule(new PodInfo(Pod("high", cpu: "1", priority: 100)), Snapshot(node));
        Assert.Multiple(() =>
        {
            Assert.That(result.NodeName, Is.Null);
            Assert.That(result.Preemption?.NodeName, Is.EqualTo("minikube"));
            Assert.That(result.Preemption?.Victims.Select(v => v.Name), Is.EqualTo(new[] { "lower" }));

            // Upstream prints no preemption part when a candidate was found.
            Assert.That(result.FailureMessage, Is.EqualTo("0/1 nodes are available: 1 Insufficient cpu."));
        });
    }

    [Test]
    public void EqualPriorityPodsAreNeverVictims()
    {
        var node = Info(MakeNode(cpu: "1"), Pod("peer", cpu: "1", priority: 5).On("minikube"));
        var result = SchedulingFramework.CreateDefault().Schedule(new PodInfo(Pod("p", cpu: "1", priority: 5)), Snapshot(node));
        Assert.That(result.Preemption, Is.Null);
        Assert.That(result.FailureMessage, Does.EndWith("1 No preemption victims found for incoming pod.."));
    }
}
