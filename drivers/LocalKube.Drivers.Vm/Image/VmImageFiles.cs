namespace LocalKube.Drivers.Vm.Image;

/// <summary>One built VM node image (images/node/vm/vm.sh writes these files).</summary>
/// <param name="Directory">The image folder.</param>
/// <param name="Hash">The recipe hash it was built from.</param>
/// <param name="KernelVersion">Debian's kernel version, e.g. <c>6.1.0-50-amd64</c>.</param>
public sealed record VmImageFiles(string Directory, string Hash, string KernelVersion)
{
    /// <summary>The uncompressed kernel (ELF with a PVH entry), for QEMU's direct kernel boot.</summary>
    public string Vmlinux => Path.Combine(Directory, "vmlinux");

    /// <summary>The compressed kernel (bzImage), for hyperkit's kexec and the Hyper-V boot ISO.</summary>
    public string Vmlinuz => Path.Combine(Directory, "vmlinuz");

    /// <summary>The initramfs.</summary>
    public string Initrd => Path.Combine(Directory, "initrd.img");

    /// <summary>The root disk, zstd-compressed qcow2, attached read-only.</summary>
    public string RootQcow2 => Path.Combine(Directory, "rootfs.qcow2");

    /// <summary>The template of a machine's <c>/var</c> disk (qcow2).</summary>
    public string DataQcow2 => Path.Combine(Directory, "var.qcow2");

    /// <summary>The root disk as a raw sparse file (only with <c>LOCALKUBE_VM_FORMATS=raw</c>; xhyve).</summary>
    public string RootRaw => Path.Combine(Directory, "rootfs.img");

    /// <summary>The root disk as a dynamic VHDX (only with <c>LOCALKUBE_VM_FORMATS=vhdx</c>; Hyper-V).</summary>
    public string RootVhdx => Path.Combine(Directory, "rootfs.vhdx");

    /// <summary>The BIOS boot ISO (only with <c>LOCALKUBE_VM_FORMATS=iso</c>; Hyper-V).</summary>
    public string BootIso => Path.Combine(Directory, "boot.iso");
}
