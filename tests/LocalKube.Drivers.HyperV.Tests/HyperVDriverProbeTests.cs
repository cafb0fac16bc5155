using System.Runtime.Versioning;
using LocalKube.Abstractions.Errors;
using NUnit.Framework;

namespace LocalKube.Drivers.HyperV.Tests;

/// <summary>The prerequisite failures, each with minikube's reason and fix.</summary>
[TestFixture]
[Category("Unit")]
[Platform("Linux")]
[SupportedOSPlatform("linux")]
public sealed class HyperVDriverProbeTests
{
    [Test]
    public async Task Probe_NotWindows_RequiresWindows()
    {
        var health = await new HyperVDriverProbe(new HyperVDriverOptions()).ProbeAsync(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That((health.Installed, health.Healthy), Is.EqualTo((false, false)));
            Assert.That(health.ReasonId, Is.EqualTo(Reasons.DriverUnsupportedOs.Id));
            Assert.That(health.Error, Does.Contain("requires Windows"));
        });
    }

    [Test]
    public async Task Probe_NoPowerShell_SaysSo()
    {
        var options = new HyperVDriverOptions { Platform = "windows", GetEnvironmentVariable = _ => "/nonexistent" };

        var health = await new HyperVDriverProbe(options).ProbeAsync(CancellationToken.None);

        Assert.That(health.ReasonId, Is.EqualTo(Reasons.HyperVPowerShellNotFound.Id));
    }

    [TestCase("MODULE=", "LK_PROVIDER_HYPERV_NOT_FOUND", "module is not available", false)]
    [TestCase("HYPERVISOR=False", "LK_PROVIDER_HYPERV_NOT_FOUND", "not enabled", false)]
    [TestCase("ADMIN=False", "LK_PROVIDER_HYPERV_AS_ADMIN", "Administrator privileges", true)]
    [TestCase("SWITCHES='[]'", "LK_DRV_HYPERV_NO_VSWITCH", "neither a Default Switch nor an external", true)]
    public async Task Probe_PrerequisiteMissing_ReportsItsReasonAndFix(string scenario, string reason, string error, bool installed)
    {
        await using var host = new FakeHyperV();
        host.Scenario(scenario);

        var health = await new HyperVDriverProbe(host.Options).ProbeAsync(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(health.Healthy, Is.False);
            Assert.That(health.Installed, Is.EqualTo(installed));
            Assert.That(health.ReasonId, Is.EqualTo(reason));
            Assert.That(health.Error, Does.Contain(error));
            Assert.That(health.Fix, Is.EqualTo(Reasons.All.Single(r => r.Id == reason).Advice));
        });
    }

    [TestCase("ADMIN=True HVADMIN=False")]
    [TestCase("ADMIN=False HVADMIN=True")]
    public async Task Probe_AdministratorOrHyperVAdministrator_IsHealthy(string scenario)
    {
        await using var host = new FakeHyperV();
        host.Scenario(scenario);

        var health = await new HyperVDriverProbe(host.Options).ProbeAsync(CancellationToken.None);

        Assert.That(health.Healthy, Is.True, health.Error);
    }
}
