using System.Runtime.Versioning;
using LocalKube.Drivers.Vm.GuestAgent;
using LocalKube.Testing;

namespace LocalKube.Drivers.HyperV.Tests;

/// <summary>
/// A Hyper-V host on Linux for the driver's tests: the fake powershell.exe (fakes/) in a private folder with its own
/// VM state and scenario, a built VM image (rootfs.vhdx, boot.iso) for a stand-in recipe, and a fake guest agent on the
/// VM's COM2 channel.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class FakeHyperV : IAsyncDisposable
{
    private readonly TempDirectory _temp = new("lkhv");
    private readonly FakeGuestAgentServer _guest;

    public FakeHyperV()
    {
        var powershell = FakeVmImage.InstallFake(Bin, "powershell.exe");
        var image = FakeVmImage.Create(_temp.Path, "rootfs.vhdx", "boot.iso");
        ImageDirectory = image.ImageDirectory;
        Options = new HyperVDriverOptions
        {
            PowerShellPath = powershell,
            Platform = "windows",
            PollInterval = TimeSpan.FromMilliseconds(20),
            AddressTimeout = TimeSpan.FromSeconds(10),
            GuestAgentTimeout = TimeSpan.FromSeconds(10),
            GuestAgentConnector = _ => GuestAgentClient.UnixSocket(GuestSocket),
            Image = new Vm.Image.VmImageOptions { RecipeDirectory = image.RecipeDirectory, CacheDirectory = image.CacheDirectory },
            GetEnvironmentVariable = _ => null,
        };
        _guest = new FakeGuestAgentServer(GuestSocket, (_, _) => (0, "", ""));
    }

    public HyperVDriverOptions Options { get; }

    public string Bin => _temp.Combine("bin");

    public string ImageDirectory { get; }

    public string GuestSocket => _temp.Combine("qga.sock");

    public FakeGuestAgentServer Guest => _guest;

    /// <summary>Every -Command script the driver ran, in order.</summary>
    public IReadOnlyList<string> Invocations =>
        File.Exists(Path.Combine(Bin, "invocations.log")) ? File.ReadAllLines(Path.Combine(Bin, "invocations.log")) : [];

    /// <summary>The Hyper-V commands (cmdlets that change something), without the queries.</summary>
    public IReadOnlyList<string> Changes =>
        [.. Invocations.Where(i => i.StartsWith("Hyper-V\\", StringComparison.Ordinal) && !i.StartsWith("Hyper-V\\Get-", StringComparison.Ordinal))];

    /// <summary>Sets scenario variables (MODULE, HYPERVISOR, HVADMIN, ADMIN, SWITCHES, IP, FAIL).</summary>
    public void Scenario(string settings) => File.WriteAllText(Path.Combine(Bin, "fake.conf"), settings + "\n");

    /// <summary>The VMs Hyper-V knows, by name.</summary>
    public IReadOnlyList<string> Vms =>
        Directory.Exists(Path.Combine(Bin, "vms")) ? [.. Directory.GetDirectories(Path.Combine(Bin, "vms")).Select(Path.GetFileName).OfType<string>()] : [];

    public async ValueTask DisposeAsync()
    {
        await _guest.DisposeAsync();
        _temp.Dispose();
    }
}
