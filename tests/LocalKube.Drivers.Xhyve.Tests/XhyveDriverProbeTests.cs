using System.Runtime.Versioning;
using LocalKube.Abstractions.Errors;
using NUnit.Framework;

namespace LocalKube.Drivers.Xhyve.Tests;

/// <summary>The prerequisite failures (macOS, hyperkit, root or setuid for vmnet), each with its reason and fix.</summary>
[TestFixture]
[Category("Unit")]
[Platform("Linux")]
[SupportedOSPlatform("linux")]
public sealed class XhyveDriverProbeTests
{
    [Test]
    public async Task Probe_NotMacOs_RequiresMacOs()
    {
        var health = await new XhyveDriverProbe(new XhyveDriverOptions()).ProbeAsync(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(health.ReasonId, Is.EqualTo(Reasons.DriverUnsupportedOs.Id));
            Assert.That(health.Error, Does.Contain("requires macOS"));
        });
    }

    [Test]
    public async Task Probe_NoHyperkit_SaysHowToInstallIt()
    {
        var options = new XhyveDriverOptions { Platform = "osx", GetEnvironmentVariable = _ => "/nonexistent" };

        var health = await new XhyveDriverProbe(options).ProbeAsync(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That((health.Installed, health.Healthy), Is.EqualTo((false, false)));
            Assert.That(health.ReasonId, Is.EqualTo(Reasons.HyperkitNotFound.Id));
            Assert.That(health.Fix, Does.Contain("brew install hyperkit"));
        });
    }

    [Test]
    public async Task Probe_NotRootAndNotSetuid_AsksForSetuidRoot()
    {
        await using var host = new FakeHyperkitHost();
        host.Options.IsRoot = () => false;

        var health = await new XhyveDriverProbe(host.Options).ProbeAsync(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That((health.Installed, health.Healthy), Is.EqualTo((true, false)));
            Assert.That(health.ReasonId, Is.EqualTo(Reasons.HyperkitPermission.Id));
            Assert.That(health.Fix, Is.EqualTo($"sudo chown root:wheel {host.Hyperkit} && sudo chmod u+s {host.Hyperkit}"));
        });
    }

    [Test]
    public async Task Probe_SetuidHyperkit_IsHealthyWithItsVersion()
    {
        await using var host = new FakeHyperkitHost();
        host.Options.IsRoot = () => false;
        File.SetUnixFileMode(host.Hyperkit, File.GetUnixFileMode(host.Hyperkit) | UnixFileMode.SetUser);

        var health = await new XhyveDriverProbe(host.Options).ProbeAsync(CancellationToken.None);

        Assert.That((health.Healthy, health.Version), Is.EqualTo((true, "v0.20200224-44-gb54460")));
    }
}
