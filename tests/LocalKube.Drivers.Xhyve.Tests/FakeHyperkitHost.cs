using System.Runtime.Versioning;
using LocalKube.Drivers.Vm.GuestAgent;
using LocalKube.Testing;

namespace LocalKube.Drivers.Xhyve.Tests;

/// <summary>
/// A macOS host with hyperkit, on Linux, for the driver's tests: the fake hyperkit (fakes/) in a private folder, its
/// DHCP leases file, a built VM image (rootfs.img, vmlinuz, initrd) for a stand-in recipe, and a fake guest agent.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class FakeHyperkitHost : IAsyncDisposable
{
    private readonly TempDirectory _temp = new("lkxh");

    public FakeHyperkitHost()
    {
        Hyperkit = FakeVmImage.InstallFake(Bin, "hyperkit");
        var image = FakeVmImage.Create(_temp.Path, "rootfs.img", "vmlinuz", "initrd.img");
        ImageDirectory = image.ImageDirectory;
        Options = new XhyveDriverOptions
        {
            HyperkitPath = Hyperkit,
            Platform = "osx",
            LeasesFile = Path.Combine(Bin, "dhcpd_leases"),
            IsRoot = () => true,
            PollInterval = TimeSpan.FromMilliseconds(20),
            AddressTimeout = TimeSpan.FromSeconds(10),
            GuestAgentTimeout = TimeSpan.FromSeconds(10),
            GuestAgentConnector = _ => GuestAgentClient.UnixSocket(GuestSocket),
            Image = new Vm.Image.VmImageOptions { RecipeDirectory = image.RecipeDirectory, CacheDirectory = image.CacheDirectory },
            GetEnvironmentVariable = _ => null,
        };
        Guest = new FakeGuestAgentServer(GuestSocket, (_, _) => (0, "", ""));
    }

    public XhyveDriverOptions Options { get; }

    public string Bin => _temp.Combine("bin");

    public string Hyperkit { get; }

    public string ImageDirectory { get; }

    public string GuestSocket => _temp.Combine("vsock.sock");

    public FakeGuestAgentServer Guest { get; }

    /// <summary>Every hyperkit command line, and the graceful stops it saw ("acpi-shutdown NAME").</summary>
    public IReadOnlyList<string> Invocations =>
        File.Exists(Path.Combine(Bin, "invocations.log")) ? File.ReadAllLines(Path.Combine(Bin, "invocations.log")) : [];

    /// <summary>Sets scenario variables (IP, BOOT_ERROR, NO_LEASE, CRASH).</summary>
    public void Scenario(string settings) => File.WriteAllText(Path.Combine(Bin, "fake.conf"), settings + "\n");

    public async ValueTask DisposeAsync()
    {
        await Guest.DisposeAsync();
        _temp.Dispose();
    }
}
