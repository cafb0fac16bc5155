namespace LocalKube.Drivers.Qemu;

/// <summary>How QEMU runs the guest's CPU, and why that one was chosen.</summary>
/// <param name="Name"><c>kvm</c> (hardware virtualization) or <c>tcg</c> (QEMU's emulator, much slower).</param>
/// <param name="Reason">Why, for the user (e.g. "the KVM probe did not boot within 8 s").</param>
public sealed record QemuAccelerator(string Name, string Reason)
{
    /// <summary>The KVM accelerator's name.</summary>
    public const string KvmName = "kvm";

    /// <summary>The TCG accelerator's name.</summary>
    public const string TcgName = "tcg";

    /// <summary>Whether this is KVM.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsKvm => Name == KvmName;
}
