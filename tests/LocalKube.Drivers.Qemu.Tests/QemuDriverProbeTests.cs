using LocalKube.Abstractions.Errors;
using LocalKube.Testing;
using NUnit.Framework;

namespace LocalKube.Drivers.Qemu.Tests;

[TestFixture]
[Category("Unit")]
[Platform("Linux")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class QemuDriverProbeTests
{
    [Test]
    public async Task Probe_NoQemuOnPath_IsNotInstalledWithTheInstallCommand()
    {
        using var temp = new TempDirectory("lkq");
        var options = new QemuDriverOptions { GetEnvironmentVariable = name => name == "PATH" ? temp.Path : null };

        var health = await new QemuDriverProbe(options).ProbeAsync(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(health.Installed, Is.False);
            Assert.That(health.Healthy, Is.False);
            Assert.That(health.ReasonId, Is.EqualTo(Reasons.QemuNotFound.Id));
            Assert.That(health.Error, Is.EqualTo("Neither qemu-system-x86_64 nor qemu-img is on the PATH."));
            Assert.That(health.Fix, Does.Contain("apt-get install -y qemu-system-x86 qemu-utils"));
        });
    }

    [Test]
    public async Task Probe_OnlyQemuImgMissing_SaysWhich()
    {
        using var temp = new TempDirectory("lkq");
        Script(temp, "qemu-system-x86_64", "echo 'QEMU emulator version 7.2.22'");
        var options = new QemuDriverOptions { GetEnvironmentVariable = name => name == "PATH" ? temp.Path : null };

        var health = await new QemuDriverProbe(options).ProbeAsync(CancellationToken.None);

        Assert.That(health.Error, Is.EqualTo("qemu-img is not on the PATH."));
    }

    [Test]
    public async Task Probe_BothPresent_IsHealthyWithTheVersion()
    {
        using var temp = new TempDirectory("lkq");
        Script(temp, "qemu-system-x86_64", "echo 'QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)'");
        Script(temp, "qemu-img", "exit 0");
        var options = new QemuDriverOptions { GetEnvironmentVariable = name => name == "PATH" ? temp.Path : null };

        var health = await new QemuDriverProbe(options).ProbeAsync(CancellationToken.None);

        Assert.That((health.Installed, health.Healthy, health.Version), Is.EqualTo((true, true, "7.2.22")));
    }

    [Test]
    public async Task Probe_QemuFails_IsInstalledButUnhealthy()
    {
        using var temp = new TempDirectory("lkq");
        Script(temp, "qemu-system-x86_64", "echo 'cannot open shared object' >&2; exit 127");
        Script(temp, "qemu-img", "exit 0");
        var options = new QemuDriverOptions { GetEnvironmentVariable = name => name == "PATH" ? temp.Path : null };

        var health = await new QemuDriverProbe(options).ProbeAsync(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That((health.Installed, health.Healthy), Is.EqualTo((true, false)));
            Assert.That(health.ReasonId, Is.EqualTo(Reasons.QemuError.Id));
            Assert.That(health.Error, Does.Contain("cannot open shared object"));
        });
    }

    private static void Script(TempDirectory temp, string name, string body)
    {
        var path = temp.Combine(name);
        File.WriteAllText(path, $"#!/bin/sh\n{body}\n");
        File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
    }
}
