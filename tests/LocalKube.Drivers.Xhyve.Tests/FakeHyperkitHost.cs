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
        Directory.CreateDirectory(Bin);
        Hyperkit = Path.Combine(Bin, "hyperkit");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "fakes", "hyperkit"), Hyperkit);
        File.SetUnixFileMode(Hyperkit, (UnixFileMode)0b111_101_101);

        var recipe = _temp.Combine("recipe");
        Directory.CreateDirectory(recipe);
        File.WriteAllText(Path.Combine(recipe, "build.sh"), "#!/bin/sh\nexit 1\n");
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
            Image = new Vm.Image.VmImageOptions { RecipeDirectory = recipe, CacheDirectory = _temp.Combine("images") },
            GetEnvironmentVariable = _ => null,
        };
        ImageDirectory = new Vm.Image.VmNodeImage(Options.Image).Directory;
        Directory.CreateDirectory(ImageDirectory);
        foreach (var file in new[] { "rootfs.img", "vmlinuz", "initrd.img" })
        {
            File.WriteAllText(Path.Combine(ImageDirectory, file), file);
        }

        File.WriteAllText(Path.Combine(ImageDirectory, "manifest.json"), "{\"kernel\":\"6.1.0-50-amd64\"}");
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
