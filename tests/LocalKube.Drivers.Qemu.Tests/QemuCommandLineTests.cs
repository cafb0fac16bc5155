using LocalKube.Abstractions.Drivers;
using NUnit.Framework;

namespace LocalKube.Drivers.Qemu.Tests;

[TestFixture]
[Category("Unit")]
public sealed class QemuCommandLineTests
{
    private static readonly QemuAccelerator Tcg = new(QemuAccelerator.TcgName, "test");
    private static readonly QemuAccelerator Kvm = new(QemuAccelerator.KvmName, "test");

    [Test]
    public void Build_Tcg_ForwardsApiServerAndPortsAndHonoursCpusAndMemory()
    {
        var record = Record(cpus: 3, memory: 3072, ports: [new PortMapping(8080, 80), new PortMapping(5353, 53, "udp", "0.0.0.0")]);
        var layout = new QemuMachineLayout("/var/lk/m1");

        var args = QemuCommandLine.Build(record, layout, Tcg, hostCpus: 8);

        Assert.Multiple(() =>
        {
            Assert.That(ValueOf(args, "-machine"), Is.EqualTo("q35,accel=tcg"));
            Assert.That(args, Does.Not.Contain("-cpu"), "TCG runs QEMU's default CPU model");
            Assert.That(ValueOf(args, "-smp"), Is.EqualTo("3"));
            Assert.That(ValueOf(args, "-m"), Is.EqualTo("3072M"));
            Assert.That(ValueOf(args, "-netdev"), Is.EqualTo(
                "user,id=net0,hostfwd=tcp:127.0.0.1:40123-:8443,hostfwd=tcp:127.0.0.1:8080-:80,hostfwd=udp:0.0.0.0:5353-:53"));
            Assert.That(ValueOf(args, "-kernel"), Is.EqualTo("/var/lk/m1/image/vmlinux"));
            Assert.That(ValueOf(args, "-initrd"), Is.EqualTo("/var/lk/m1/image/initrd.img"));
            Assert.That(args, Does.Contain("file=/var/lk/m1/image/rootfs.qcow2,if=virtio,format=qcow2,readonly=on"));
            Assert.That(args, Does.Contain("file=/var/lk/m1/var.img,if=virtio,format=raw,discard=unmap"));
            Assert.That(ValueOf(args, "-virtfs"), Is.EqualTo("local,path=/var/lk/m1/share,mount_tag=localkube,security_model=none,readonly=on"));
            Assert.That(ValueOf(args, "-qmp"), Is.EqualTo("unix:/var/lk/m1/qmp.sock,server=on,wait=off"));
            Assert.That(args, Does.Contain("socket,id=qga0,path=/var/lk/m1/qga.sock,server=on,wait=off"));
            Assert.That(ValueOf(args, "-serial"), Is.EqualTo("file:/var/lk/m1/console.log"));
            Assert.That(ValueOf(args, "-pidfile"), Is.EqualTo("/var/lk/m1/qemu.pid"));
            Assert.That(args[^1], Is.EqualTo("-daemonize"));
        });
    }

    [Test]
    public void Build_NoLimits_UsesHostCpusAndTheDefaultMemory()
    {
        var args = QemuCommandLine.Build(Record(cpus: 0, memory: 0, ports: []), new QemuMachineLayout("/m"), Tcg, hostCpus: 6);

        Assert.That((ValueOf(args, "-smp"), ValueOf(args, "-m")), Is.EqualTo(("6", "2048M")));
    }

    [Test]
    public void Build_Kvm_UsesTheHostCpuAndKeepsMitigations()
    {
        var args = QemuCommandLine.Build(Record(2, 2048, []), new QemuMachineLayout("/m"), Kvm, 4);

        Assert.Multiple(() =>
        {
            Assert.That(ValueOf(args, "-machine"), Is.EqualTo("q35,accel=kvm"));
            Assert.That(ValueOf(args, "-cpu"), Is.EqualTo("host"));
            Assert.That(ValueOf(args, "-append"), Does.Not.Contain("mitigations=off"));
        });
    }

    [Test]
    public void KernelCommandLine_Tcg_TellsTheImageItsPlatformDisksNetworkShareAndChannel()
    {
        var words = QemuCommandLine.KernelCommandLine("node-1", Tcg).Split(' ');

        Assert.That(words, Is.SupersetOf(new[]
        {
            "console=ttyS0", "panic=-1", "apparmor=0", "mitigations=off", "localkube.platform=qemu", "localkube.root=/dev/vda",
            "localkube.data=/dev/vdb", "localkube.hostname=node-1", "localkube.net=static:10.0.2.15/24:10.0.2.2:10.0.2.3",
            "localkube.share=9p", "localkube.ga=virtio",
        }));
    }

    [Test]
    public void Build_PathWithComma_IsEscapedForQemuOptions()
    {
        var args = QemuCommandLine.Build(Record(2, 2048, []), new QemuMachineLayout("/tmp/a,b"), Tcg, 2);

        Assert.That(args, Does.Contain("file=/tmp/a,,b/var.img,if=virtio,format=raw,discard=unmap"));
    }

    [Test]
    public void Layout_LongStateFolder_PutsSocketsInAShortPrivateFolder()
    {
        var shortLayout = new QemuMachineLayout("/tmp/m");
        var longLayout = new QemuMachineLayout("/tmp/" + new string('x', 120));

        Assert.Multiple(() =>
        {
            Assert.That(shortLayout.GuestAgent, Is.EqualTo("/tmp/m/qga.sock"));
            Assert.That(longLayout.GuestAgent, Does.StartWith(longLayout.ShortSocketDirectory));
            Assert.That(longLayout.Monitor.Length, Is.LessThan(100));
            Assert.That(new QemuMachineLayout("/tmp/" + new string('x', 120)).ShortSocketDirectory, Is.EqualTo(longLayout.ShortSocketDirectory), "stable");
        });
    }

    private static QemuMachineRecord Record(int cpus, long memory, IReadOnlyList<PortMapping> ports) =>
        new("qemu", "p", "m1", cpus, memory, 40123, ports, "hash", "6.1.0-50-amd64", DateTimeOffset.UnixEpoch);

    private static string? ValueOf(IReadOnlyList<string> args, string flag)
    {
        var i = args.ToList().IndexOf(flag);
        return i >= 0 && i + 1 < args.Count ? args[i + 1] : null;
    }
}
