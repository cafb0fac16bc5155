using LocalKube.Node.Kubelet.Runtime.Docker;
using LocalKube.Testing;

namespace LocalKube.Node.Kubelet.Tests.Runtime;

/// <summary>A node without CAP_SYS_RESOURCE cannot lower oom_score_adj below its own: requests are raised to it.</summary>
[TestFixture]
[Category("Unit")]
public sealed class OomScoreFloorTests
{
    [TestCase("0000003ffeffffff", "0", 0)]
    [TestCase("0000003ffeffffff", "-500", -500)]
    [TestCase("000001ffffffffff", "0", null)]
    public void Detect_ReadsCapabilityAndOwnValue(string capEff, string own, int? expected)
    {
        using var proc = new TempDirectory("proc");
        File.WriteAllText(proc.Combine("status"), $"Name:\ttest\nCapPrm:\t{capEff}\nCapEff:\t{capEff}\n");
        File.WriteAllText(proc.Combine("oom_score_adj"), own + "\n");

        Assert.That(OomScoreFloor.Detect(proc.Path), Is.EqualTo(expected));
    }

    [Test]
    public void Detect_WithoutProc_HasNoFloor()
    {
        using var proc = new TempDirectory("proc");
        Assert.That(OomScoreFloor.Detect(proc.Path), Is.Null);
    }

    [Test]
    public void Apply_RaisesOnlyBelowTheFloor()
    {
        Assert.Multiple(() =>
        {
            Assert.That(OomScoreFloor.Apply(-998, 0), Is.Zero);
            Assert.That(OomScoreFloor.Apply(1000, 0), Is.EqualTo(1000));
            Assert.That(OomScoreFloor.Apply(-998, null), Is.EqualTo(-998));
        });
    }
}
