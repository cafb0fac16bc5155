using LocalKube.Abstractions.Drivers;
using LocalKube.Abstractions.Errors;
using LocalKube.Core.Drivers;
using LocalKube.Core.Tests.Support;
using static LocalKube.Core.Tests.Support.Drivers;

namespace LocalKube.Core.Tests.Drivers;

[TestFixture]
public sealed class DriverSelectorTests
{
    /// <summary>A host with docker (HighlyPreferred), podman (Default), process (Discouraged, explicit only) and hyperv (Windows only).</summary>
    private static DriverSelector Host(DriverHealth docker, DriverHealth podman, DriverHealth process, string platform = "linux") =>
        new(new DriverRegistry(
        [
            Registration(Descriptor("process", DriverPriority.Discouraged, isDefault: false, aliases: ["none"]), new StubProbe(process)),
            Registration(Descriptor("podman", DriverPriority.Default), new StubProbe(podman)),
            Registration(Descriptor("docker", DriverPriority.HighlyPreferred), new StubProbe(docker)),
            Registration(Descriptor("hyperv", DriverPriority.Preferred, platforms: ["windows"]), new StubProbe(Healthy)),
        ]), platform);

    private static IEnumerable<TestCaseData> AutoCases()
    {
        yield return new TestCaseData(Healthy, Healthy, Healthy, "docker", new[] { "podman" }, new[] { "process" }).SetName("Auto_AllHealthy_PicksHighestPriority");
        yield return new TestCaseData(NotRunning(), Healthy, Healthy, "podman", Array.Empty<string>(), new[] { "process", "docker" })
            .SetName("Auto_DockerDown_PicksPodmanAndRejectsDocker");
        yield return new TestCaseData(NotInstalled(), NotInstalled(), Healthy, null, Array.Empty<string>(), new[] { "process", "docker", "podman" })
            .SetName("Auto_OnlyExplicitDriverHealthy_PicksNothing");
    }

    [TestCaseSource(nameof(AutoCases))]
    public async Task Auto(DriverHealth docker, DriverHealth podman, DriverHealth process, string? pick, string[] alternates, string[] rejected)
    {
        var selector = Host(docker, podman, process);
        if (pick is null)
        {
            var e = Assert.ThrowsAsync<LocalKubeException>(() => selector.SelectAsync("dev", null, null, CancellationToken.None));
            Assert.Multiple(() =>
            {
                Assert.That(e!.Reason, Is.EqualTo(Reasons.DriverNotDetected));
                foreach (var name in rejected)
                {
                    Assert.That(e.Message, Does.Contain($"- {name}:"));
                }

                Assert.That(e.Message, Does.Contain("--driver=process"));
                Assert.That(e.Message, Does.Not.Contain("hyperv"));
            });
            return;
        }

        var selection = await selector.SelectAsync("dev", null, null, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(selection.Source, Is.EqualTo(DriverSelectionSource.Automatic));
            Assert.That(selection.Pick.Descriptor.Name, Is.EqualTo(pick));
            Assert.That(selection.Alternates.Select(a => a.Descriptor.Name), Is.EqualTo(alternates));
            Assert.That(selection.Rejected.Select(r => r.Descriptor.Name), Is.EqualTo(rejected));
        });
    }

    [Test]
    public async Task Auto_Rejection_CarriesTheProbesErrorFixAndDocs()
    {
        var selection = await Host(NotInstalled(), Healthy, Healthy).SelectAsync("dev", null, null, CancellationToken.None);
        var docker = selection.Rejected.Single(r => r.Descriptor.Name == "docker");
        Assert.Multiple(() =>
        {
            Assert.That(docker.Reason, Is.EqualTo("not installed: not found on PATH"));
            Assert.That(docker.Fix, Is.EqualTo("install it"));
            Assert.That(docker.Documentation, Is.EqualTo("https://example.com/install"));
        });
    }

    [Test]
    public async Task Auto_FixMissing_FallsBackToTheReasonsAdvice()
    {
        var health = new DriverHealth(true, false, Error: "down", ReasonId: Reasons.DockerNotRunning.Id);
        var selection = await Host(health, Healthy, Healthy).SelectAsync("dev", null, null, CancellationToken.None);
        Assert.That(selection.Rejected.Single(r => r.Descriptor.Name == "docker").Fix, Is.EqualTo(Reasons.DockerNotRunning.Advice));
    }

    [Test]
    public void Auto_NoDriverForThisOs_SaysSo()
    {
        var e = Assert.ThrowsAsync<LocalKubeException>(() => Host(Healthy, Healthy, Healthy, platform: "plan9").SelectAsync("dev", null, null, CancellationToken.None));
        Assert.That(e!.Message, Does.Contain("plan9"));
    }

    [TestCase("none")]
    [TestCase("process")]
    public async Task Requested_Healthy_IsUsedEvenIfNotADefaultCandidate(string name)
    {
        var selection = await Host(Healthy, Healthy, Healthy).SelectAsync("dev", name, null, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(selection.Pick.Descriptor.Name, Is.EqualTo("process"));
            Assert.That(selection.Source, Is.EqualTo(DriverSelectionSource.Requested));
            Assert.That(selection.Alternates, Is.Empty);
        });
    }

    [Test]
    public void Requested_OtherOs_ThrowsUnsupportedOsNamingTheOsItNeeds()
    {
        var e = Assert.ThrowsAsync<LocalKubeException>(() => Host(Healthy, Healthy, Healthy).SelectAsync("dev", "hyperv", null, CancellationToken.None));
        Assert.Multiple(() =>
        {
            Assert.That(e!.Reason, Is.EqualTo(Reasons.DriverUnsupportedOs));
            Assert.That(e.Message, Is.EqualTo("The 'hyperv' driver requires Windows; this host runs Linux."));
        });
    }

    [Test]
    public async Task Auto_VmOnly_ConsidersOnlyVmDriversAndNeverPicksAVmOverAHealthyDocker()
    {
        var vm = new DriverDescriptor("qemu", [], DriverPriority.Default, DriverCapabilities.VirtualMachine, true, ["linux"]);
        var registry = new DriverRegistry(
        [
            Registration(Descriptor("docker", DriverPriority.HighlyPreferred), new StubProbe(Healthy)),
            Registration(vm, new StubProbe(Healthy)),
        ]);

        var any = await new DriverSelector(registry, "linux").SelectAsync("dev", null, null, CancellationToken.None);
        var vmOnly = await new DriverSelector(registry, "linux").SelectAsync("dev", null, null, CancellationToken.None, vmOnly: true);

        Assert.Multiple(() =>
        {
            Assert.That(any.Pick.Descriptor.Name, Is.EqualTo("docker"));
            Assert.That(any.Alternates.Select(a => a.Descriptor.Name), Is.EqualTo(new[] { "qemu" }));
            Assert.That(vmOnly.Pick.Descriptor.Name, Is.EqualTo("qemu"));
            Assert.That(vmOnly.Rejected.Concat<object>(vmOnly.Alternates), Is.Empty, "docker was not considered");
        });
    }

    [Test]
    public void Requested_Unknown_ThrowsUsage()
    {
        var e = Assert.ThrowsAsync<LocalKubeException>(() => Host(Healthy, Healthy, Healthy).SelectAsync("dev", "kvm2", null, CancellationToken.None));
        Assert.That(e!.Reason, Is.EqualTo(Reasons.Usage));
    }

    private static IEnumerable<TestCaseData> UnhealthyRequestedCases()
    {
        yield return new TestCaseData(NotRunning(Reasons.DockerNotRunning.Id), Reasons.DockerNotRunning).SetName("Requested_DockerNotRunning_ThrowsItsReason");
        yield return new TestCaseData(NotInstalled(Reasons.DockerNotFound.Id), Reasons.DockerNotFound).SetName("Requested_DockerMissing_ThrowsItsReason");
        yield return new TestCaseData(NotRunning("LK_UNKNOWN_ID"), Reasons.DriverNotHealthy).SetName("Requested_UnknownReasonId_InstalledButUnhealthy");
        yield return new TestCaseData(NotRunning(), Reasons.DriverNotHealthy).SetName("Requested_NoReasonId_InstalledButUnhealthy");
        yield return new TestCaseData(NotInstalled(), Reasons.DriverNotDetected).SetName("Requested_NoReasonId_NotInstalled_IsNotDetected");
    }

    [TestCaseSource(nameof(UnhealthyRequestedCases))]
    public void Requested_Unhealthy(DriverHealth docker, Reason expected)
    {
        var e = Assert.ThrowsAsync<LocalKubeException>(() => Host(docker, Healthy, Healthy).SelectAsync("dev", "docker", null, CancellationToken.None));
        Assert.Multiple(() =>
        {
            Assert.That(e!.Reason, Is.EqualTo(expected));
            Assert.That(e.Message, Does.Contain(docker.Error!).And.Contain("Fix: " + docker.Fix));
        });
    }

    [Test]
    public async Task Existing_WinsOverAutoSelection()
    {
        var selection = await Host(Healthy, Healthy, Healthy).SelectAsync("dev", null, "podman", CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(selection.Pick.Descriptor.Name, Is.EqualTo("podman"));
            Assert.That(selection.Source, Is.EqualTo(DriverSelectionSource.ExistingProfile));
        });
    }

    [Test]
    public async Task Existing_SameDriverByAlias_IsFine()
    {
        var selection = await Host(Healthy, Healthy, Healthy).SelectAsync("dev", "NONE", "process", CancellationToken.None);
        Assert.That(selection.Pick.Descriptor.Name, Is.EqualTo("process"));
    }

    [Test]
    public void Existing_DifferentRequested_ThrowsMismatch()
    {
        var e = Assert.ThrowsAsync<LocalKubeException>(() => Host(Healthy, Healthy, Healthy).SelectAsync("dev", "podman", "docker", CancellationToken.None));
        Assert.Multiple(() =>
        {
            Assert.That(e!.Reason, Is.EqualTo(Reasons.DriverMismatch));
            Assert.That(e.Message, Does.Contain("'dev'").And.Contain("docker").And.Contain("podman"));
        });
    }

    [Test]
    public void Existing_Unhealthy_ThrowsTheProbesReason()
    {
        var e = Assert.ThrowsAsync<LocalKubeException>(() =>
            Host(NotRunning(Reasons.DockerNotRunning.Id), Healthy, Healthy).SelectAsync("dev", null, "docker", CancellationToken.None));
        Assert.That(e!.Reason, Is.EqualTo(Reasons.DockerNotRunning));
    }

    [Test]
    public void Auto_Cancelled_Throws()
    {
        var selector = new DriverSelector(
            new DriverRegistry([Registration(Descriptor("slow"), new StubProbe(Healthy, TimeSpan.FromSeconds(30)))]), "linux");
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        Assert.That(async () => await selector.SelectAsync("dev", null, null, cts.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void Suggest_UnhealthyHighPriority_RanksBelowHealthyLowPriority()
    {
        var results = new[]
        {
            new DriverProbeResult(Descriptor("docker", DriverPriority.HighlyPreferred), NotRunning(), TimeSpan.Zero),
            new DriverProbeResult(Descriptor("qemu", DriverPriority.Fallback), Healthy, TimeSpan.Zero),
        };
        var (pick, _, rejected) = DriverSelector.Suggest(results);
        Assert.Multiple(() =>
        {
            Assert.That(pick!.Descriptor.Name, Is.EqualTo("qemu"));
            Assert.That(rejected.Single().Reason, Is.EqualTo("not healthy: daemon not answering"));
        });
    }
}
