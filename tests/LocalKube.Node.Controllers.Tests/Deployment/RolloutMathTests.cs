using k8s.Models;
using LocalKube.Node.Controllers.Deployment;
using NUnit.Framework;

namespace LocalKube.Node.Controllers.Tests.Deployment;

[TestFixture]
public sealed class RolloutMathTests
{
    [TestCase("25%", "25%", 3, 1, 0)]
    [TestCase("25%", "25%", 10, 3, 2)]
    [TestCase("25%", "25%", 1, 1, 0)]
    [TestCase("0", "0", 5, 0, 1)]
    [TestCase("0%", "10%", 5, 0, 1)]
    [TestCase("1", "0", 3, 1, 0)]
    [TestCase("50%", "50%", 5, 3, 2)]
    public void Fenceposts_RoundSurgeUpAndUnavailableDown(string surge, string unavailable, int replicas, int expectedSurge, int expectedUnavailable)
    {
        var (s, u) = RolloutMath.ResolveFenceposts(surge, unavailable, replicas);
        Assert.That((s, u), Is.EqualTo((expectedSurge, expectedUnavailable)));
    }

    [Test]
    public void MaxUnavailable_IsCappedAtReplicas_AndZeroForRecreateOrNoReplicas()
    {
        Assert.That(RolloutMath.MaxUnavailable(DeploymentFixtures.Make(replicas: 2, maxUnavailable: "5")), Is.EqualTo(2));
        Assert.That(RolloutMath.MaxUnavailable(DeploymentFixtures.Make(replicas: 0)), Is.Zero);
        Assert.That(RolloutMath.MaxUnavailable(DeploymentFixtures.Make(strategy: "Recreate")), Is.Zero);
        Assert.That(RolloutMath.MaxSurge(DeploymentFixtures.Make(strategy: "Recreate")), Is.Zero);
    }

    [Test]
    public void NewReplicaSetReplicas_GrowsWithinSurge()
    {
        var d = DeploymentFixtures.Make(replicas: 10, maxSurge: "3");
        var old = Rs("old", 10);
        var created = Rs("new", 0);
        Assert.That(RolloutMath.NewReplicaSetReplicas(d, [old, created], created), Is.EqualTo(3));
        old.Spec.Replicas = 8;
        created.Spec.Replicas = 5;
        Assert.That(RolloutMath.NewReplicaSetReplicas(d, [old, created], created), Is.EqualTo(5), "13 = 10 + 3 already");
        old.Spec.Replicas = 0;
        Assert.That(RolloutMath.NewReplicaSetReplicas(d, [old, created], created), Is.EqualTo(10), "never past replicas");
    }

    [Test]
    public void ProportionalScaling_UpstreamExample_EightAndFiveBecomeElevenAndSeven()
    {
        var d = DeploymentFixtures.Make(replicas: 15, maxSurge: "3", maxUnavailable: "2");
        d.Status = new V1DeploymentStatus { Replicas = 13 };
        var old = Rs("old", 8, created: 1, maxReplicas: 13);
        var created = Rs("new", 5, created: 2, maxReplicas: 13);
        var sizes = RolloutMath.ProportionalSizes(d, created, [old]).ToDictionary(x => x.ReplicaSet.Metadata.Name, x => x.Size);
        Assert.That(sizes, Is.EqualTo(new Dictionary<string, int> { ["old"] = 11, ["new"] = 7 }));
    }

    [Test]
    public void ProportionalScaling_Down_OlderFirstOnTies_TotalStaysAllowed()
    {
        var d = DeploymentFixtures.Make(replicas: 5, maxSurge: "1", maxUnavailable: "0");
        var old = Rs("old", 5, created: 1, maxReplicas: 11);
        var created = Rs("new", 5, created: 2, maxReplicas: 11);
        var sizes = RolloutMath.ProportionalSizes(d, created, [old]);
        Assert.Multiple(() =>
        {
            Assert.That(sizes.Sum(s => s.Size), Is.EqualTo(6));
            Assert.That(sizes[0].ReplicaSet.Metadata.Name, Is.EqualTo("old"));
            Assert.That(sizes.All(s => s.Operation == "down"));
        });
    }

    [Test]
    public void ProportionalScaling_ToZero_EmptiesEverySet()
    {
        var d = DeploymentFixtures.Make(replicas: 0);
        var sizes = RolloutMath.ProportionalSizes(d, Rs("new", 2, created: 2, maxReplicas: 4), [Rs("old", 1, created: 1, maxReplicas: 4)]);
        Assert.That(sizes.Select(s => s.Size), Is.All.Zero);
    }

    [Test]
    public void Saturated_NeedsSizeAnnotationAndAvailability()
    {
        var d = DeploymentFixtures.Make(replicas: 3);
        var rs = Rs("new", 3);
        rs.Metadata.Annotations = new Dictionary<string, string> { [DeploymentAnnotations.DesiredReplicas] = "3" };
        Assert.That(RolloutMath.IsSaturated(d, rs), Is.False);
        rs.Status = new V1ReplicaSetStatus { AvailableReplicas = 3 };
        Assert.That(RolloutMath.IsSaturated(d, rs), Is.True);
    }

    internal static V1ReplicaSet Rs(string name, int replicas, int created = 1, int? maxReplicas = null) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            Uid = "uid-" + name,
            CreationTimestamp = new DateTime(2026, 1, 1, 0, 0, created, DateTimeKind.Utc),
            Annotations = maxReplicas is { } m ? new Dictionary<string, string> { [DeploymentAnnotations.MaxReplicas] = m.ToString(System.Globalization.CultureInfo.InvariantCulture) } : null,
        },
        Spec = new V1ReplicaSetSpec { Replicas = replicas },
        Status = new V1ReplicaSetStatus(),
    };
}
