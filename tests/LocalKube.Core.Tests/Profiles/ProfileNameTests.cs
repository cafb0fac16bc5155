using LocalKube.Abstractions.Errors;
using LocalKube.Core.Profiles;

namespace LocalKube.Core.Tests.Profiles;

[TestFixture]
public sealed class ProfileNameTests
{
    [TestCase("localkube")]
    [TestCase("a")]
    [TestCase("dev-2")]
    [TestCase("0abc9")]
    public void Validate_GoodName_DoesNotThrow(string name) =>
        Assert.DoesNotThrow(() => ProfileName.Validate(name));

    [Test]
    public void Validate_SixtyThreeCharacters_IsAllowed() =>
        Assert.That(ProfileName.IsValid(new string('a', 63)), Is.True);

    [TestCase("", "empty")]
    [TestCase("Dev", "upper-case")]
    [TestCase("dev_1", "'_'")]
    [TestCase("dev.x", "'.'")]
    [TestCase("-dev", "start and end")]
    [TestCase("dev-", "start and end")]
    [TestCase("start", "reserved")]
    [TestCase("logs", "reserved")]
    [TestCase("update-context", "reserved")]
    [TestCase("kubectl", "reserved")]
    public void Validate_BadName_ThrowsNamingRuleAndName(string name, string rule)
    {
        var e = Assert.Throws<LocalKubeException>(() => ProfileName.Validate(name));
        Assert.Multiple(() =>
        {
            Assert.That(e!.Reason, Is.EqualTo(Reasons.ProfileNameInvalid));
            Assert.That(e.Message, Does.Contain(rule));
            Assert.That(e.Message, Does.Contain($"'{name}'"));
        });
    }

    [Test]
    public void Validate_TooLong_SaysTheLimit()
    {
        var e = Assert.Throws<LocalKubeException>(() => ProfileName.Validate(new string('a', 64)));
        Assert.That(e!.Message, Does.Contain("63"));
    }

    [Test]
    public void Reserved_HoldsMinikubesListAndOurCommands() =>
        Assert.That(ProfileName.Reserved, Is.SupersetOf(new[]
        {
            "start", "stop", "status", "delete", "config", "open", "profile", "addons", "cache", "logs",
            "ip", "version", "kubectl", "update-context", "dashboard", "node", "service",
        }));
}
