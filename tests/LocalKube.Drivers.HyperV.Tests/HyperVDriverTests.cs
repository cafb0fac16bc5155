using System.Runtime.Versioning;
using System.Text;
using LocalKube.Abstractions.Drivers;
using LocalKube.Abstractions.Errors;
using LocalKube.Testing;
using NUnit.Framework;

namespace LocalKube.Drivers.HyperV.Tests;

/// <summary>The hyperv driver's command lines and failures, against the fake PowerShell.</summary>
[TestFixture]
[Category("Unit")]
[Platform("Linux")]
[SupportedOSPlatform("linux")]
public sealed class HyperVDriverTests
{
    private FakeHyperV _host = null!;
    private TempDirectory _temp = null!;
    private MachineRef _machine = null!;

    [SetUp]
    public void SetUp()
    {
        _host = new FakeHyperV();
        _temp = new TempDirectory("lkhvt");
        _machine = new MachineRef("hv", "hv", _temp.Combine("profiles", "hv", "machines", "hv"));
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        await _host.DisposeAsync();
        _temp.Dispose();
    }

    [Test]
    public async Task Create_RunsMinikubesCmdletsInOrder_OnTheDefaultSwitch()
    {
        await Driver().CreateAsync(Spec(), new Progress<string>(), CancellationToken.None);

        var root = _machine.StateDirectory;
        Assert.That(_host.Changes, Is.EqualTo(new[]
        {
            $"Hyper-V\\New-VHD -Path '{root}/root.vhdx' -ParentPath '{_host.ImageDirectory}/rootfs.vhdx' -Differencing",
            $"Hyper-V\\New-VHD -Path '{root}/var.vhdx' -SizeBytes 20000MB -Dynamic",
            $"Hyper-V\\New-VM hv -Path '{root}' -Generation 1 -SwitchName 'Default Switch' -MemoryStartupBytes 3072MB -NoVHD",
            "Hyper-V\\Set-VMMemory -VMName hv -DynamicMemoryEnabled $false",
            "Hyper-V\\Set-VMProcessor hv -Count 3",
            $"Hyper-V\\Set-VMDvdDrive -VMName hv -Path '{_host.ImageDirectory}/boot.iso'",
            $"Hyper-V\\Add-VMHardDiskDrive -VMName hv -ControllerType IDE -ControllerNumber 0 -ControllerLocation 0 -Path '{root}/root.vhdx'",
            $"Hyper-V\\Add-VMHardDiskDrive -VMName hv -ControllerType IDE -ControllerNumber 0 -ControllerLocation 1 -Path '{root}/var.vhdx'",
            "Hyper-V\\Set-VMComPort -VMName hv -Number 2 -Path '\\\\.\\pipe\\localkube-hv'",
            "Hyper-V\\Start-VM hv",
        }));
        Assert.Multiple(() =>
        {
            Assert.That(_host.Invocations, Does.Contain("(( Hyper-V\\Get-VM hv ).networkadapters[0]).ipaddresses[0]"), "minikube's address query");
            Assert.That(_host.Guest.Commands, Does.Contain("guest-ping"), "the boot waits for the guest agent");
        });
    }

    [Test]
    public async Task Create_WithTheSwitchFlag_UsesThatSwitch()
    {
        _host.Scenario("""SWITCHES='[{"Id":"1","Name":"Default Switch","SwitchType":1},{"Id":"2","Name":"LAN","SwitchType":2}]'""");

        await Driver().CreateAsync(Spec(("hyperv-virtual-switch", "LAN")), new Progress<string>(), CancellationToken.None);

        Assert.That(_host.Changes.Single(c => c.StartsWith("Hyper-V\\New-VM", StringComparison.Ordinal)), Does.Contain("-SwitchName 'LAN'"));
    }

    [Test]
    public async Task Create_UnknownSwitch_IsRefusedBeforeAnythingExists()
    {
        var error = Assert.ThrowsAsync<LocalKubeException>(() =>
            Driver().CreateAsync(Spec(("hyperv-virtual-switch", "Nope")), new Progress<string>(), CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Reason, Is.EqualTo(Reasons.HyperVSwitchNotFound));
            Assert.That(error.Message, Does.Contain("'Nope'"));
            Assert.That(_host.Changes, Is.Empty);
            Assert.That(Directory.Exists(_machine.StateDirectory), Is.False);
        });
        Assert.That(await Driver().GetStateAsync(_machine, CancellationToken.None), Is.EqualTo(MachineState.NotFound));
    }

    [Test]
    public void Create_NoSwitchAtAll_SaysHowToMakeOne()
    {
        _host.Scenario("SWITCHES='[]'");

        var error = Assert.ThrowsAsync<LocalKubeException>(() => Driver().CreateAsync(Spec(), new Progress<string>(), CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Reason, Is.EqualTo(Reasons.HyperVNoSwitch));
            Assert.That(error.Reason.Advice, Does.Contain("--hyperv-virtual-switch"));
            Assert.That(_host.Changes, Is.Empty);
        });
    }

    [Test]
    public void Create_ACmdletFails_RemovesTheHalfMadeVm()
    {
        _host.Scenario("FAIL='Add-VMHardDiskDrive'");

        var error = Assert.ThrowsAsync<LocalKubeException>(() => Driver().CreateAsync(Spec(), new Progress<string>(), CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Reason, Is.EqualTo(Reasons.HyperVError));
            Assert.That(error.Message, Does.Contain("Add-VMHardDiskDrive").And.Contain("fake failure"));
            Assert.That(_host.Changes[^1], Is.EqualTo("Hyper-V\\Remove-VM hv -Force"));
            Assert.That(_host.Vms, Is.Empty);
            Assert.That(Directory.Exists(_machine.StateDirectory), Is.False);
        });
    }

    [Test]
    public void Create_ImageWithoutHyperVFormats_IsRefusedWithHowToBuildIt()
    {
        File.Delete(Path.Combine(_host.ImageDirectory, "boot.iso"));

        var error = Assert.ThrowsAsync<LocalKubeException>(() => Driver().CreateAsync(Spec(), new Progress<string>(), CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Reason, Is.EqualTo(Reasons.NodeImageBuild));
            Assert.That(error.Message, Does.Contain("LOCALKUBE_VM_FORMATS=\"vhdx iso\""));
            Assert.That(_host.Invocations, Is.Empty);
        });
    }

    [Test]
    public async Task Stop_AsksTheGuestToShutDown_AndKillTurnsItOff()
    {
        var driver = Driver();
        await driver.CreateAsync(Spec(), new Progress<string>(), CancellationToken.None);

        await driver.StopAsync(_machine, TimeSpan.FromSeconds(10), CancellationToken.None);
        await driver.StartAsync(_machine, CancellationToken.None);
        await driver.KillAsync(_machine, CancellationToken.None);

        Assert.That(_host.Changes.Where(c => c.Contains("Stop-VM", StringComparison.Ordinal)), Is.EqualTo(new[]
        {
            "Hyper-V\\Stop-VM hv",
            "Hyper-V\\Stop-VM hv -TurnOff -Force",
        }));
    }

    [Test]
    public async Task StartAgent_UploadsTheBundleAndCertificatesThroughTheGuestAgent()
    {
        var driver = Driver();
        await driver.CreateAsync(Spec(), new Progress<string>(), CancellationToken.None);
        var bundle = _temp.Combine("bundle");
        Directory.CreateDirectory(bundle);
        await File.WriteAllTextAsync(Path.Combine(bundle, "localkube-node"), "#!/bin/sh\n");
        var executed = new List<string>();
        _host.Guest.Exec = (path, args) =>
        {
            executed.Add($"{path} {string.Join(' ', args)}");
            return (0, "", "");
        };

        var launch = new AgentLaunch(bundle, new Dictionary<string, byte[]> { ["ca.crt"] = Encoding.ASCII.GetBytes("CA") }, ["--node-name", "hv"]);
        await driver.StartAgentAsync(_machine, launch, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(_host.Guest.WrittenFiles.Keys, Is.EquivalentTo(new[]
            {
                "/var/lib/localkube/inbox/agent.tar", "/var/lib/localkube/inbox/agent.tar.hash", "/var/lib/localkube/inbox/certs/ca.crt",
            }));
            Assert.That(_host.Guest.WrittenFiles["/var/lib/localkube/inbox/certs/ca.crt"], Is.EqualTo("CA"u8.ToArray()));
            Assert.That(executed, Has.Some.StartsWith(
                "/usr/local/bin/localkube-agentctl start /var/lib/localkube/inbox/agent.tar /var/lib/localkube/inbox/certs -- run --data-dir /var/lib/localkube/data"));
            Assert.That(executed[^1], Is.EqualTo("/bin/rm -f /var/lib/localkube/inbox/agent.tar"));
        });
    }

    private HyperVDriver Driver() => new(_host.Options);

    private MachineSpec Spec(params (string Key, string Value)[] options) =>
        new(_machine, 3, 3072, 0, [], null) { DriverOptions = options.ToDictionary(o => o.Key, o => o.Value) };
}
