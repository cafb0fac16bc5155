using LocalKube.Drivers.Vm.Image;

namespace LocalKube.Drivers.Xhyve;

/// <summary>Settings of the xhyve driver. Defaults fit macOS; tests point them at a fake hyperkit and leases file.</summary>
public sealed class XhyveDriverOptions
{
    /// <summary>hyperkit; null means <c>hyperkit</c> on PATH.</summary>
    public string? HyperkitPath { get; set; }

    /// <summary>The host OS as <c>osx</c>, <c>linux</c> or <c>windows</c>; tests running the fake set <c>osx</c>.</summary>
    public string Platform { get; set; } =
        OperatingSystem.IsMacOS() ? "osx" : OperatingSystem.IsWindows() ? "windows" : "linux";

    /// <summary>macOS's vmnet DHCP leases (bootpd).</summary>
    public string LeasesFile { get; set; } = "/var/db/dhcpd_leases";

    /// <summary>Whether this process runs as root (vmnet needs root unless hyperkit is setuid root).</summary>
    public Func<bool> IsRoot { get; set; } = () => Environment.IsPrivilegedProcess;

    /// <summary>The vsock port the guest agent listens on (hyperkit forwards it to a Unix socket in the state folder).</summary>
    public int GuestAgentPort { get; set; } = 10240;

    /// <summary>How long the VM may take to get an address from vmnet's DHCP.</summary>
    public TimeSpan AddressTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long the guest agent may take to answer once the VM has an address.</summary>
    public TimeSpan GuestAgentTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often process, lease and agent checks repeat while waiting.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often a followed agent log is polled.</summary>
    public TimeSpan LogPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Opens the guest agent channel of a machine (by state folder); null means hyperkit's vsock forward socket.</summary>
    public Func<string, Func<CancellationToken, Task<Stream>>>? GuestAgentConnector { get; set; }

    /// <summary>The VM node image (built on Linux with <c>LOCALKUBE_VM_FORMATS=raw</c> and copied here).</summary>
    public VmImageOptions Image { get; set; } = new();

    /// <summary>Reads an environment variable. Replaceable so tests can simulate hosts.</summary>
    public Func<string, string?> GetEnvironmentVariable { get; set; } = Environment.GetEnvironmentVariable;
}
