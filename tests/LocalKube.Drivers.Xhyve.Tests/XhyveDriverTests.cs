using System.Runtime.Versioning;
using LocalKube.Abstractions.Drivers;
using LocalKube.Abstractions.Errors;
using LocalKube.Testing;
using NUnit.Framework;

namespace LocalKube.Drivers.Xhyve.Tests;

/// <summary>The xhyve driver's hyperkit command line, address discovery and failures, against the fake hyperkit.</summary>
[TestFixture]
[Category("Unit")]
[Platform("Linux")]
[SupportedOSPlatform("linux")]
public sealed class XhyveDriverTests
{
    private FakeHyperkitHost _host = null!;
    private TempDirectory _temp = null!;
    private MachineRef _machine = null!;

    [SetUp]
    public void SetUp()
    {
        _host = new FakeHyperkitHost();
        _temp = new TempDirectory("lkxt");
        _machine = new MachineRef("xh", "xh", _temp.Combine("profiles", "xh", "machines", "xh"));
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        await new XhyveDriver(_host.Options).DeleteAsync(_machine, CancellationToken.None);
        await _host.DisposeAsync();
        _temp.Dispose();
    }

    [Test]
    public async Task Create_StartsHyperkitWithTheNodeImageAndFindsTheLeasedAddress()
    {
        var driver = new XhyveDriver(_host.Options);

        await driver.CreateAsync(new MachineSpec(_machine, 3, 3072, 0, [], null), new Progress<string>(), CancellationToken.None);

        var root = _machine.StateDirectory;
        var invocation = _host.Invocations.Single();
        Assert.Multiple(() =>
        {
            Assert.That(invocation, Does.StartWith($"-A -u -F {root}/hyperkit.pid -c 3 -m 3072M -s 0:0,hostbridge -s 31,lpc -s 1:0,virtio-net -U "));
            Assert.That(invocation, Does.Contain($"-s 2:0,virtio-blk,{root}/root.img -s 3:0,virtio-blk,{root}/var.img -s 4:0,virtio-rnd"));
            Assert.That(invocation, Does.Contain($"-s 5:0,virtio-sock,guest_cid=3,path={root},guest_forwards=10240"));
            Assert.That(invocation, Does.Contain($"-l com1,autopty={root}/tty,log={root}/console-ring"));
            Assert.That(invocation, Does.EndWith($"-f kexec,{root}/vmlinuz,{root}/initrd.img,console=ttyS0 quiet panic=-1 apparmor=0 localkube.platform=hyperkit " +
                "localkube.root=/dev/vda localkube.data=/dev/vdb localkube.hostname=xh localkube.net=dhcp localkube.ga=vsock:10240"));
            Assert.That(new FileInfo(Path.Combine(root, "var.img")).Length, Is.EqualTo(20_000L * 1024 * 1024), "a 20000 MB sparse /var disk");
            Assert.That(_host.Guest.Commands, Does.Contain("guest-ping"));
        });
        var endpoint = await driver.GetEndpointAsync(_machine, CancellationToken.None);
        Assert.That(endpoint.ApiServer, Is.EqualTo(new Uri("https://192.168.64.7:8443")));
    }

    [Test]
    public async Task Stop_SendsSigtermForAnAcpiShutdown()
    {
        var driver = new XhyveDriver(_host.Options);
        await driver.CreateAsync(new MachineSpec(_machine, 2, 2048, 0, [], null), new Progress<string>(), CancellationToken.None);

        await driver.StopAsync(_machine, TimeSpan.FromSeconds(20), CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(_host.Invocations, Does.Contain("acpi-shutdown xh"));
            Assert.That(await driver.GetStateAsync(_machine, CancellationToken.None), Is.EqualTo(MachineState.Stopped));
        });
    }

    [Test]
    public void Create_NoLease_FailsWithTheHyperkitNoIpReasonAndStopsTheVm()
    {
        _host.Scenario("NO_LEASE=1");
        _host.Options.AddressTimeout = TimeSpan.FromSeconds(1);
        var driver = new XhyveDriver(_host.Options);

        var error = Assert.ThrowsAsync<LocalKubeException>(() =>
            driver.CreateAsync(new MachineSpec(_machine, 2, 2048, 0, [], null), new Progress<string>(), CancellationToken.None));

        Assert.Multiple(async () =>
        {
            Assert.That(error!.Reason, Is.EqualTo(Reasons.HyperkitNoIp));
            Assert.That(error.Message, Does.Contain("IP address never found in the DHCP leases file"));
            Assert.That(await driver.GetStateAsync(_machine, CancellationToken.None), Is.EqualTo(MachineState.Stopped), "the VM is not left running");
        });
    }

    [Test]
    public void Create_BootError_ShowsTheConsoleLines()
    {
        _host.Scenario("BOOT_ERROR='the root disk /dev/vda did not appear'");

        var error = Assert.ThrowsAsync<LocalKubeException>(() =>
            new XhyveDriver(_host.Options).CreateAsync(new MachineSpec(_machine, 2, 2048, 0, [], null), new Progress<string>(), CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Reason, Is.EqualTo(Reasons.GuestBootFailed));
            Assert.That(error.Message, Does.Contain("the root disk /dev/vda did not appear").And.Contain("Last console lines"));
        });
    }

    [Test]
    public void Create_HyperkitCrashes_SaysSoWithItsLog()
    {
        _host.Scenario("CRASH=1");

        var error = Assert.ThrowsAsync<LocalKubeException>(() =>
            new XhyveDriver(_host.Options).CreateAsync(new MachineSpec(_machine, 2, 2048, 0, [], null), new Progress<string>(), CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Reason, Is.EqualTo(Reasons.HyperkitError));
            Assert.That(error.Message, Does.Contain("hyperkit crashed!").And.Contain("error from vmnet.framework: -1"));
        });
    }

    [Test]
    public void Create_ImageWithoutTheRawDisk_IsRefusedBeforeHyperkitRuns()
    {
        File.Delete(Path.Combine(_host.ImageDirectory, "rootfs.img"));

        var error = Assert.ThrowsAsync<LocalKubeException>(() =>
            new XhyveDriver(_host.Options).CreateAsync(new MachineSpec(_machine, 2, 2048, 0, [], null), new Progress<string>(), CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Reason, Is.EqualTo(Reasons.NodeImageBuild));
            Assert.That(error.Message, Does.Contain("LOCALKUBE_VM_FORMATS=raw"));
            Assert.That(_host.Invocations, Is.Empty);
            Assert.That(Directory.Exists(_machine.StateDirectory), Is.False);
        });
    }

    [Test]
    public void Leases_SeveralEntries_NewestOfTheNodesNameWins()
    {
        const string text = """
            {
            	name=xh
            	ip_address=192.168.64.3
            	hw_address=1,a2:1:2:3:4:5
            	identifier=1,a2:1:2:3:4:5
            	lease=0x5f000000
            }
            {
            	name=other
            	ip_address=192.168.64.9
            	hw_address=1,a2:9:9:9:9:9
            	identifier=1,a2:9:9:9:9:9
            	lease=0x6f000000
            }
            {
            	name=xh
            	ip_address=192.168.64.4
            	hw_address=1,a2:1:2:3:4:6
            	identifier=1,a2:1:2:3:4:6
            	lease=0x60000000
            }
            """;
        var path = _temp.Combine("leases");
        File.WriteAllText(path, text);

        Assert.Multiple(() =>
        {
            Assert.That(DhcpLeases.Parse(text).Select(e => (e.Name, e.HardwareAddress)), Is.EqualTo(new[]
            {
                ("xh", "a2:1:2:3:4:5"), ("other", "a2:9:9:9:9:9"), ("xh", "a2:1:2:3:4:6"),
            }));
            Assert.That(DhcpLeases.AddressOf(path, "xh"), Is.EqualTo("192.168.64.4"));
            Assert.That(DhcpLeases.AddressOf(path, "nobody"), Is.Null);
            Assert.That(DhcpLeases.AddressOf(_temp.Combine("missing"), "xh"), Is.Null);
        });
    }
}
