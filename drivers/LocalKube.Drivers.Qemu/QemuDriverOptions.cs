using LocalKube.Drivers.Vm.Image;

namespace LocalKube.Drivers.Qemu;

/// <summary>Settings of the qemu driver. Defaults fit a normal install; tests override paths and timeouts.</summary>
public sealed class QemuDriverOptions
{
    /// <summary>The emulator; null means <c>qemu-system-x86_64</c> on PATH.</summary>
    public string? QemuSystemPath { get; set; }

    /// <summary>The disk tool; null means <c>qemu-img</c> on PATH.</summary>
    public string? QemuImgPath { get; set; }

    /// <summary>
    /// Forces the accelerator: <c>kvm</c> or <c>tcg</c>. Null means <c>$LOCALKUBE_QEMU_ACCEL</c>, else detection: KVM
    /// when /dev/kvm is usable and a probe VM really boots with it, TCG otherwise.
    /// </summary>
    public string? Accelerator { get; set; }

    /// <summary>The KVM device; tests point it elsewhere.</summary>
    public string KvmDevice { get; set; } = "/dev/kvm";

    /// <summary>How long the KVM probe boot may take before KVM counts as broken (a hung KVM guest never answers).</summary>
    public TimeSpan AcceleratorProbeTimeout { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>How long a boot under KVM may take before it counts as failed.</summary>
    public TimeSpan KvmBootTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>How long a boot under TCG (emulation) may take before it counts as failed.</summary>
    public TimeSpan TcgBootTimeout { get; set; } = TimeSpan.FromMinutes(4);

    /// <summary>How often a followed agent log is polled.</summary>
    public TimeSpan LogPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The VM node image (recipe and cache).</summary>
    public VmImageOptions Image { get; set; } = new();

    /// <summary>Reads an environment variable. Replaceable so tests can simulate hosts.</summary>
    public Func<string, string?> GetEnvironmentVariable { get; set; } = Environment.GetEnvironmentVariable;
}
