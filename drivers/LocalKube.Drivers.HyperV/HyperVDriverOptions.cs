using LocalKube.Drivers.Vm.Image;

namespace LocalKube.Drivers.HyperV;

/// <summary>Settings of the hyperv driver. Defaults fit Windows; tests point them at a fake PowerShell.</summary>
public sealed class HyperVDriverOptions
{
    /// <summary>The Default Switch's well-known id, which Hyper-V creates on Windows 10 1709 and later.</summary>
    public const string DefaultSwitchId = "c08cb7b8-9b3c-408e-8e30-5e16a3aeb444";

    /// <summary>PowerShell; null means <c>powershell.exe</c> on PATH (then <c>pwsh</c>).</summary>
    public string? PowerShellPath { get; set; }

    /// <summary>The host OS as <c>windows</c>, <c>linux</c> or <c>osx</c>; tests running the fake set <c>windows</c>.</summary>
    public string Platform { get; set; } =
        OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsMacOS() ? "osx" : "linux";

    /// <summary>How long the VM may take to get an address from the switch's DHCP.</summary>
    public TimeSpan AddressTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>How long the guest agent may take to answer once the VM has an address.</summary>
    public TimeSpan GuestAgentTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often a followed agent log is polled.</summary>
    public TimeSpan LogPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often state and address queries repeat while waiting.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Opens the guest agent channel of a VM (by name). Null means the VM's COM2, which the driver maps to the named
    /// pipe <c>\\.\pipe\localkube-&lt;name&gt;</c>.
    /// </summary>
    public Func<string, Func<CancellationToken, Task<Stream>>>? GuestAgentConnector { get; set; }

    /// <summary>The VM node image (built on Linux with <c>LOCALKUBE_VM_FORMATS="vhdx iso"</c> and copied here).</summary>
    public VmImageOptions Image { get; set; } = new();

    /// <summary>Reads an environment variable. Replaceable so tests can simulate hosts.</summary>
    public Func<string, string?> GetEnvironmentVariable { get; set; } = Environment.GetEnvironmentVariable;
}
