using k8s.Models;
using LocalKube.Node.Controllers.TtlAfterFinished;
using NUnit.Framework;

namespace LocalKube.Node.Controllers.Tests.TtlAfterFinished;

[TestFixture]
[Category("Unit")]
public sealed class TtlExpiryTests
{
    private static readonly DateTime Done = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    [Test]
    public void FinishedWithTtl_ExpiresAfterIt()
    {
        Assert.That(TtlExpiry.ExpireAt(Job(100, "Complete")), Is.EqualTo(Done.AddSeconds(100)));
        Assert.That(TtlExpiry.ExpireAt(Job(0, "Failed")), Is.EqualTo(Done));
    }

    [Test]
    public void RunningOrWithoutTtl_Never()
    {
        Assert.That(TtlExpiry.ExpireAt(Job(100, null)), Is.Null);
        Assert.That(TtlExpiry.ExpireAt(Job(null, "Complete")), Is.Null);
        Assert.That(TtlExpiry.ExpireAt(Job(100, "SuccessCriteriaMet")), Is.Null, "the interim condition is not the end");
    }

    private static V1Job Job(int? ttl, string? condition) => new()
    {
        Metadata = new V1ObjectMeta { Name = "j", NamespaceProperty = "default" },
        Spec = new V1JobSpec { TtlSecondsAfterFinished = ttl, Template = new V1PodTemplateSpec() },
        Status = new V1JobStatus
        {
            Conditions = condition is null ? null : [new V1JobCondition { Type = condition, Status = "True", LastTransitionTime = Done }],
        },
    };
}
