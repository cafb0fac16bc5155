using LocalKube.Abstractions.Errors;
using LocalKube.Cli;

namespace LocalKube.Cli.Tests;

[TestFixture]
[Category("Unit")]
public sealed class FlagParsersTests
{
    private const long SixteenGiB = 16L * 1024 * 1024 * 1024;

    [TestCase("4096", 4096)]
    [TestCase("4096mb", 4096)]
    [TestCase("4g", 4096)]
    [TestCase("2.5g", 2560)]
    [TestCase("1048576k", 1024)]
    [TestCase("no-limit", 0)]
    [TestCase("max", 16384)]
    public void ParseMemory_AcceptsMinikubeForms(string value, long expected) =>
        Assert.That(FlagParsers.ParseMemoryMiB(value, SixteenGiB), Is.EqualTo(expected));

    [TestCase("abc")]
    [TestCase("12x")]
    [TestCase("100")]
    [TestCase("-4g")]
    public void ParseMemory_RejectsWithTheFlagNamed(string value)
    {
        var e = Assert.Throws<LocalKubeException>(() => FlagParsers.ParseMemoryMiB(value, SixteenGiB))!;
        Assert.That(e.Reason, Is.EqualTo(Reasons.Usage));
        Assert.That(e.Message, Does.Contain("--memory").And.Contain(value));
    }

    [TestCase(8L * 1024 * 1024 * 1024, 3072)]
    [TestCase(16L * 1024 * 1024 * 1024, 4000)]
    [TestCase(64L * 1024 * 1024 * 1024, 6144)]
    [TestCase(2L * 1024 * 1024 * 1024, 2048)]
    public void DefaultMemory_FollowsMinikube(long total, long expected) =>
        Assert.That(FlagParsers.DefaultMemoryMiB(total), Is.EqualTo(expected));

    [TestCase("0")]
    [TestCase("-1")]
    [TestCase("two")]
    [TestCase("1.5")]
    public void ParseCpus_RejectsNonPositive(string value)
    {
        var e = Assert.Throws<LocalKubeException>(() => FlagParsers.ParseCpus(value))!;
        Assert.That(e.Message, Does.Contain("--cpus"));
    }

    [Test]
    public void ParseCpus_AcceptsOneAndMax()
    {
        Assert.That(FlagParsers.ParseCpus("1"), Is.EqualTo(1));
        Assert.That(FlagParsers.ParseCpus("max"), Is.EqualTo(Environment.ProcessorCount));
        Assert.That(FlagParsers.ParseCpus("no-limit"), Is.Zero);
    }

    [Test]
    public void ParsePorts_ReadsHostNodeProtocolAndAddress()
    {
        var ports = FlagParsers.ParsePorts(["8080:80", "0.0.0.0:5353:53/udp,9000:9000"]);
        Assert.That(ports.Select(p => (p.HostIp, p.HostPort, p.NodePort, p.Protocol)), Is.EqualTo(new[]
        {
            ("127.0.0.1", 8080, 80, "tcp"),
            ("0.0.0.0", 5353, 53, "udp"),
            ("127.0.0.1", 9000, 9000, "tcp"),
        }));
    }

    [TestCase("80")]
    [TestCase("80-90")]
    [TestCase("a:b")]
    [TestCase("70000:80")]
    [TestCase("80:0")]
    [TestCase("8080:80/sctp")]
    public void ParsePorts_RejectsMalformed(string value)
    {
        var e = Assert.Throws<LocalKubeException>(() => FlagParsers.ParsePorts([value]))!;
        Assert.That(e.Message, Does.Contain("--ports"));
    }

    [Test]
    public void ParsePorts_RejectsTheSameHostPortTwice() =>
        Assert.Throws<LocalKubeException>(() => FlagParsers.ParsePorts(["8080:80", "8080:81"]));

    [TestCase("6m0s", 360)]
    [TestCase("90s", 90)]
    [TestCase("1h", 3600)]
    [TestCase("1m30s", 90)]
    [TestCase("45", 45)]
    [TestCase("1500ms", 1.5)]
    public void ParseDuration_AcceptsGoDurations(string value, double seconds) =>
        Assert.That(FlagParsers.ParseDuration("--wait-timeout", value).TotalSeconds, Is.EqualTo(seconds));

    [TestCase("soon")]
    [TestCase("5x")]
    [TestCase("0s")]
    [TestCase("")]
    public void ParseDuration_RejectsOthers(string value) =>
        Assert.Throws<LocalKubeException>(() => FlagParsers.ParseDuration("--wait-timeout", value));

    [Test]
    public void ParseWait_UnderstandsMinikubeValues()
    {
        Assert.That(FlagParsers.ParseWait([]), Is.True);
        Assert.That(FlagParsers.ParseWait(["none"]), Is.False);
        Assert.That(FlagParsers.ParseWait(["false"]), Is.False);
        Assert.That(FlagParsers.ParseWait(["apiserver,system_pods"]), Is.True);
        Assert.That(FlagParsers.ParseWait(["all"]), Is.True);
        Assert.Throws<LocalKubeException>(() => FlagParsers.ParseWait(["coffee"]));
    }

    [TestCase("apiserver.max-requests-inflight=800", true)]
    [TestCase("kubelet.max-pods=50", true)]
    [TestCase("nodots", false)]
    [TestCase("=x", false)]
    [TestCase("apiserver.key", false)]
    public void ParseExtraConfig_NeedsComponentKeyValue(string value, bool ok)
    {
        if (ok)
        {
            Assert.That(FlagParsers.ParseExtraConfig([value]), Is.EqualTo(new[] { value }));
        }
        else
        {
            Assert.Throws<LocalKubeException>(() => FlagParsers.ParseExtraConfig([value]));
        }
    }

    [TestCase("docker", "docker")]
    [TestCase("Simulated", "simulated")]
    [TestCase(" simulated ", "simulated")]
    public void ParseContainerRuntime_AcceptsDockerAndSimulated(string value, string expected) =>
        Assert.That(FlagParsers.ParseContainerRuntime(value), Is.EqualTo(expected));

    [TestCase("containerd")]
    [TestCase("")]
    public void ParseContainerRuntime_RejectsOthersNamingTheFlag(string value)
    {
        var e = Assert.Throws<LocalKubeException>(() => FlagParsers.ParseContainerRuntime(value));
        Assert.That(e!.Message, Does.Contain("--container-runtime"));
    }
}
