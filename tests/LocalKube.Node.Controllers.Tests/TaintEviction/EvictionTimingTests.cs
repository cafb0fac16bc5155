using k8s.Models;
using LocalKube.Node.Controllers.TaintEviction;
using NUnit.Framework;

namespace LocalKube.Node.Controllers.Tests.TaintEviction;

[TestFixture]
[Category("Unit")]
public sealed class EvictionTimingTests
{
    private static readonly V1Taint Unreachable = new() { Key = "node.kubernetes.io/unreachable", Effect = "NoExecute" };

    [Test]
    public void NoNoExecuteTaint_NeverEvicted() =>
        Assert.That(EvictionTiming.Delay([new V1Taint { Key = "x", Effect = "NoSchedule" }], []), Is.Null);

    [Test]
    public void Untolerated_AtOnce() =>
        Assert.That(EvictionTiming.Delay([Unreachable], []), Is.EqualTo(TimeSpan.Zero));

    [Test]
    public void DefaultTolerationSeconds_FiveMinutes() =>
        Assert.That(EvictionTiming.Delay([Unreachable], [new V1Toleration { Key = Unreachable.Key, OperatorProperty = "Exists", Effect = "NoExecute", TolerationSeconds = 300 }]),
            Is.EqualTo(TimeSpan.FromMinutes(5)));

    [Test]
    public void UnboundedToleration_Forever() =>
        Assert.That(EvictionTiming.Delay([Unreachable], [new V1Toleration { OperatorProperty = "Exists" }]), Is.Null);

    [Test]
    public void SeveralMatching_TheShortestWins_ZeroMeansNow()
    {
        var tolerations = new[]
        {
            new V1Toleration { OperatorProperty = "Exists", TolerationSeconds = 60 },
            new V1Toleration { Key = Unreachable.Key, OperatorProperty = "Exists", TolerationSeconds = 30 },
        };
        Assert.That(EvictionTiming.Delay([Unreachable], tolerations), Is.EqualTo(TimeSpan.FromSeconds(30)));
        tolerations[0].TolerationSeconds = -5;
        Assert.That(EvictionTiming.Delay([Unreachable], tolerations), Is.EqualTo(TimeSpan.Zero));
    }

    [Test]
    public void OneOfTwoTaintsUntolerated_AtOnce() =>
        Assert.That(EvictionTiming.Delay([Unreachable, new V1Taint { Key = "other", Effect = "NoExecute" }],
            [new V1Toleration { Key = Unreachable.Key, OperatorProperty = "Exists", TolerationSeconds = 300 }]), Is.EqualTo(TimeSpan.Zero));
}
