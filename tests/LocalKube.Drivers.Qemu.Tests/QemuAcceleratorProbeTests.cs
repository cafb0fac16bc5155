using LocalKube.Abstractions.Errors;
using LocalKube.Testing;
using NUnit.Framework;

namespace LocalKube.Drivers.Qemu.Tests;

/// <summary>The KVM probe against a fake qemu-system-x86_64 that boots, hangs, or crashes on demand.</summary>
[TestFixture]
[Category("Unit")]
[Platform("Linux")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class QemuAcceleratorProbeTests
{
    private TempDirectory _temp = null!;
    private string _kvm = null!;

    [SetUp]
    public void SetUp()
    {
        _temp = new TempDirectory("lkq");
        _kvm = _temp.Combine("kvm");
        File.WriteAllText(_kvm, "");
    }

    [TearDown]
    public void TearDown() => _temp.Dispose();

    [Test]
    public async Task Detect_ProbeVmPrintsTheMarker_UsesKvmAndCachesTheAnswer()
    {
        var qemu = FakeQemu("echo 'SeaBIOS'; echo 'LOCALKUBE-PROBE-OK'; exit 0");
        var probe = Probe();

        var first = await probe.DetectAsync(Binaries(qemu), "k", "i", CancellationToken.None);
        var second = await probe.DetectAsync(Binaries(qemu), "k", "i", CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(first.Name, Is.EqualTo("kvm"));
            Assert.That(second, Is.EqualTo(first));
            Assert.That(Invocations(), Has.Count.EqualTo(1), "the second answer comes from the cache");
            Assert.That(Invocations()[0], Does.Contain("q35,accel=kvm").And.Contain("localkube.probe=1").And.Contain("-kernel k -initrd i"));
        });
    }

    [Test]
    public async Task Detect_ProbeVmHangs_KillsItAfterTheDeadlineAndUsesTcg()
    {
        var pidFile = _temp.Combine("hung.pid");
        var qemu = FakeQemu($"echo $$ > '{pidFile}'; echo 'Booting from ROM..'; exec sleep 600");
        var probe = Probe(TimeSpan.FromSeconds(1));

        var started = DateTime.UtcNow;
        var result = await probe.DetectAsync(Binaries(qemu), "k", "i", CancellationToken.None);
        var took = DateTime.UtcNow - started;

        var pid = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Multiple(() =>
        {
            Assert.That(result.Name, Is.EqualTo("tcg"));
            Assert.That(result.Reason, Does.Contain("did not boot within 1 s"));
            Assert.That(took, Is.LessThan(TimeSpan.FromSeconds(30)));
            Assert.That(File.Exists($"/proc/{pid}/cmdline") && File.ReadAllText($"/proc/{pid}/cmdline").Length > 0, Is.False, "the hung probe was killed");
        });
    }

    [Test]
    public async Task Detect_ProbeVmCrashes_UsesTcgWithQemusError()
    {
        var qemu = FakeQemu("echo 'error: failed to set MSR 0x10a' >&2; exit 134");

        var result = await Probe().DetectAsync(Binaries(qemu), "k", "i", CancellationToken.None);

        Assert.That((result.Name, result.Reason), Is.EqualTo(("tcg", "a probe VM with KVM exited (134) without booting: error: failed to set MSR 0x10a")));
    }

    [Test]
    public async Task Detect_NoKvmDevice_UsesTcgWithoutRunningQemu()
    {
        var qemu = FakeQemu("echo LOCALKUBE-PROBE-OK");
        File.Delete(_kvm);

        var result = await Probe().DetectAsync(Binaries(qemu), "k", "i", CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.Name, Is.EqualTo("tcg"));
            Assert.That(result.Reason, Does.Contain("does not exist"));
            Assert.That(Invocations(), Is.Empty);
        });
    }

    [TestCase("tcg")]
    [TestCase("KVM")]
    public async Task Detect_Forced_IsUsedWithoutAProbe(string forced)
    {
        var qemu = FakeQemu("exit 1");
        var probe = Probe(accelerator: forced);

        var result = await probe.DetectAsync(Binaries(qemu), "k", "i", CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.Name, Is.EqualTo(forced.ToLowerInvariant()));
            Assert.That(Invocations(), Is.Empty);
        });
    }

    [Test]
    public void Detect_ForcedUnknownAccelerator_IsAUsageError()
    {
        var error = Assert.ThrowsAsync<LocalKubeException>(() => Probe(accelerator: "hvf").DetectAsync(Binaries(FakeQemu("exit 0")), "k", "i", CancellationToken.None));

        Assert.That(error!.Reason, Is.EqualTo(Reasons.Usage));
    }

    private QemuAcceleratorProbe Probe(TimeSpan? timeout = null, string? accelerator = null) =>
        new(new QemuDriverOptions
        {
            KvmDevice = _kvm,
            AcceleratorProbeTimeout = timeout ?? TimeSpan.FromSeconds(20),
            Accelerator = accelerator,
            GetEnvironmentVariable = _ => null,
        }, _temp.Combine("cache"));

    private static QemuBinaries Binaries(string qemu) => new(qemu, "/bin/true");

    private string FakeQemu(string body)
    {
        var path = _temp.Combine("qemu-system-x86_64");
        File.WriteAllText(path, $"#!/bin/sh\necho \"$*\" >> '{_temp.Combine("invocations")}'\n{body}\n");
        File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        return path;
    }

    private List<string> Invocations() =>
        File.Exists(_temp.Combine("invocations")) ? [.. File.ReadAllLines(_temp.Combine("invocations"))] : [];
}
