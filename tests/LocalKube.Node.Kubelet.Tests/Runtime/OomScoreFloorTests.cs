using LocalKube.Node.Kubelet.Runtime;
using LocalKube.Node.Kubelet.Runtime.Docker;

namespace LocalKube.Node.Kubelet.Tests.Runtime;

/// <summary>
/// oom_score_adj below the engine's own needs CAP_SYS_RESOURCE; a docker node lacks it and runc failed every pod
/// sandbox (-998) with "can't get final child's PID from pipe".
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class OomScoreFloorTests
{
    // Docker's default capability set (no CAP_SYS_RESOURCE, bit 24), and the full set.
    private const string Unprivileged = "Name:\tdotnet\nCapInh:\t0000000000000000\nCapEff:\t00000000a80425fb\nCapBnd:\t00000000a80425fb\n";
    private const string Privileged = "Name:\tdotnet\nCapEff:\t000001ffffffffff\n";

    [Test]
    public void Without_CAP_SYS_RESOURCE_the_own_score_is_the_floor()
    {
        Assert.Multiple(() =>
        {
            Assert.That(OomScoreFloor.Compute(Unprivileged, "0\n"), Is.EqualTo(0));
            Assert.That(OomScoreFloor.Compute(Unprivileged, "-500\n"), Is.EqualTo(-500));
            Assert.That(OomScoreFloor.Clamp(-998, 0), Is.EqualTo(0), "the sandbox");
            Assert.That(OomScoreFloor.Clamp(1000, 0), Is.EqualTo(1000), "BestEffort keeps its score");
        });
    }

    [Test]
    public void With_CAP_SYS_RESOURCE_or_off_Linux_there_is_no_floor()
    {
        Assert.Multiple(() =>
        {
            Assert.That(OomScoreFloor.Compute(Privileged, "0"), Is.EqualTo(-1000));
            Assert.That(OomScoreFloor.Compute(null, null), Is.EqualTo(-1000));
            Assert.That(OomScoreFloor.Clamp(-998, -1000), Is.EqualTo(-998));
        });
    }

    [Test]
    public void Docker_create_parameters_respect_the_floor()
    {
        var options = new DockerRuntimeOptions { OomScoreAdjFloor = 0 };
        var sandbox = new PodSandboxConfig { Metadata = new PodSandboxMetadata("p", "default", "uid-1", 0) };
        var container = new ContainerConfig
        {
            Metadata = new ContainerMetadata("c", 0),
            Image = "busybox",
            Resources = new ContainerResources { OomScoreAdj = -997 },
        };

        Assert.Multiple(() =>
        {
            Assert.That(DockerCreateParameters.Sandbox(sandbox, options).HostConfig.OomScoreAdj, Is.EqualTo(0));
            Assert.That(DockerCreateParameters.Container("sandbox-id", container, sandbox, options).HostConfig.OomScoreAdj, Is.EqualTo(0));
            Assert.That(DockerCreateParameters.Sandbox(sandbox, options with { OomScoreAdjFloor = -1000 }).HostConfig.OomScoreAdj, Is.EqualTo(-998));
        });
    }
}
