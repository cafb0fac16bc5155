using k8s.Models;
using LocalKube.Node.Controllers.Disruption;
using NUnit.Framework;

namespace LocalKube.Node.Controllers.Tests.Disruption;

[TestFixture]
[Category("Unit")]
public sealed class DisruptionBudgetsTests
{
    private static readonly DateTime Now = new(2026, 1, 1, 0, 10, 0, DateTimeKind.Utc);

    [Test]
    public void IntegerMinAvailable_CountsPods_NoControllerNeeded()
    {
        var c = DisruptionBudgets.Compute(Budget(minAvailable: 2), [Pod("a"), Pod("b"), Pod("c", ready: false)], NoScale, Now);
        Assert.That((c.CurrentHealthy, c.DesiredHealthy, c.ExpectedPods, c.DisruptionsAllowed), Is.EqualTo((2, 2, 3, 0)));
    }

    [Test]
    public void PercentMinAvailable_UsesTheControllersScale_RoundingUp()
    {
        var pods = new[] { Pod("a", owner: "rs"), Pod("b", owner: "rs"), Pod("c", owner: "rs") };
        var c = DisruptionBudgets.Compute(Budget(minAvailable: "50%"), pods, (_, o) => (o.Uid, 5), Now);
        Assert.That((c.CurrentHealthy, c.DesiredHealthy, c.ExpectedPods, c.DisruptionsAllowed), Is.EqualTo((3, 3, 5, 0)));
    }

    [Test]
    public void MaxUnavailable_DesiredIsScaleMinusIt()
    {
        var pods = new[] { Pod("a", owner: "rs"), Pod("b", owner: "rs"), Pod("c", owner: "rs") };
        var c = DisruptionBudgets.Compute(Budget(maxUnavailable: 1), pods, (_, o) => (o.Uid, 3), Now);
        Assert.That((c.DesiredHealthy, c.DisruptionsAllowed), Is.EqualTo((2, 1)));
    }

    [Test]
    public void MaxUnavailable_UnmanagedPodCannotBeScaled_ButIsReported()
    {
        var c = DisruptionBudgets.Compute(Budget(maxUnavailable: 1), [Pod("bare")], NoScale, Now);
        Assert.That(c.UnmanagedPods, Is.EqualTo(new[] { "bare" }));
        Assert.That(c.ExpectedPods, Is.Zero);
    }

    [Test]
    public void UnknownController_SyncFailed()
    {
        var c = DisruptionBudgets.Compute(Budget(maxUnavailable: 1), [Pod("a", owner: "mystery")], NoScale, Now);
        Assert.That(c.Error, Is.EqualTo("found no controllers for pod \"a\""));
        var status = DisruptionBudgets.Status(Budget(maxUnavailable: 1), c, Now);
        Assert.That((status.DisruptionsAllowed, status.Conditions.Single().Reason), Is.EqualTo((0, "SyncFailed")));
    }

    [Test]
    public void RecentlyEvictedPods_NotHealthy_UntilTwoMinutesPass()
    {
        var budget = Budget(minAvailable: 1);
        budget.Status = new V1PodDisruptionBudgetStatus { DisruptedPods = new Dictionary<string, DateTime?> { ["a"] = Now.AddSeconds(-30), ["b"] = Now.AddMinutes(-3) } };
        var c = DisruptionBudgets.Compute(budget, [Pod("a"), Pod("b")], NoScale, Now);
        Assert.Multiple(() =>
        {
            Assert.That(c.CurrentHealthy, Is.EqualTo(1));
            Assert.That(c.DisruptedPods.Keys, Is.EqualTo(new[] { "a" }));
            Assert.That(c.RecheckAt, Is.EqualTo(Now.AddSeconds(90)));
        });
    }

    [Test]
    public void NothingExpected_NothingAllowed_AndTheConditionSays()
    {
        var c = DisruptionBudgets.Compute(Budget(minAvailable: 0), [], NoScale, Now);
        var status = DisruptionBudgets.Status(Budget(minAvailable: 0), c, Now);
        var condition = status.Conditions.Single();
        Assert.That((status.DisruptionsAllowed, condition.Type, condition.Status, condition.Reason), Is.EqualTo((0, "DisruptionAllowed", "False", "InsufficientPods")));
        var written = Budget(minAvailable: 0);
        written.Status = status;
        Assert.That(DisruptionBudgets.IsCurrent(written, c), Is.True);
    }

    private static (string, int)? NoScale(V1Pod pod, V1OwnerReference owner) => null;

    private static V1PodDisruptionBudget Budget(IntOrString? minAvailable = null, IntOrString? maxUnavailable = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "pdb", NamespaceProperty = "default", Generation = 1 },
        Spec = new V1PodDisruptionBudgetSpec { MinAvailable = minAvailable, MaxUnavailable = maxUnavailable, Selector = new V1LabelSelector() },
    };

    private static V1Pod Pod(string name, bool ready = true, string? owner = null) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name, NamespaceProperty = "default",
            OwnerReferences = owner is null ? null : [new V1OwnerReference { Kind = "ReplicaSet", Name = owner, Uid = owner, Controller = true, ApiVersion = "apps/v1" }],
        },
        Status = new V1PodStatus { Phase = "Running", Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False" }] },
    };
}
