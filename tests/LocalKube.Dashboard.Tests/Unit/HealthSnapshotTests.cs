using LocalKube.Dashboard.Watch;

namespace LocalKube.Dashboard.Tests.Unit;

[TestFixture]
[Category("Unit")]
public sealed class HealthSnapshotTests
{
    [Test]
    public void ReadyzVerbose_IsParsedIntoChecks()
    {
        var checks = HealthSnapshot.ParseVerbose("[+]ping ok\n[-]etcd failed: reason withheld\n[+]poststarthook/rbac ok\nreadyz check failed\n");
        Assert.That(checks, Is.EqualTo(new[]
        {
            new HealthCheck("ping", true, null),
            new HealthCheck("etcd", false, "failed: reason withheld"),
            new HealthCheck("poststarthook/rbac", true, null),
        }));
    }
}
