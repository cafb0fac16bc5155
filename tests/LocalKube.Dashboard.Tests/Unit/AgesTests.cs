using LocalKube.Dashboard.Explain;

namespace LocalKube.Dashboard.Tests.Unit;

/// <summary>kubectl's HumanDuration, which the page's ticking ages (web/src/lib/age.ts) mirror.</summary>
[TestFixture]
[Category("Unit")]
public sealed class AgesTests
{
    [TestCase(0, "0s")]
    [TestCase(119, "119s")]
    [TestCase(120, "2m")]
    [TestCase(125, "2m5s")]
    [TestCase(600, "10m")]
    [TestCase(3 * 3600 - 1, "179m")]
    [TestCase(3 * 3600, "3h")]
    [TestCase(3 * 3600 + 60, "3h1m")]
    [TestCase(8 * 3600, "8h")]
    [TestCase(47 * 3600, "47h")]
    [TestCase(48 * 3600, "2d")]
    [TestCase(50 * 3600, "2d2h")]
    [TestCase(8 * 86400, "8d")]
    [TestCase(729 * 86400, "729d")]
    [TestCase(730 * 86400, "2y")]
    [TestCase(731 * 86400, "2y1d")]
    [TestCase(8 * 365 * 86400, "8y")]
    public void HumanDuration(int seconds, string expected) => Assert.That(Ages.Human(TimeSpan.FromSeconds(seconds)), Is.EqualTo(expected));

    [Test]
    public void FutureTimes_AreInvalid() => Assert.That(Ages.Human(TimeSpan.FromSeconds(-5)), Is.EqualTo("<invalid>"));
}
