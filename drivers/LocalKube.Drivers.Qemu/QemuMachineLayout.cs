using System.Security.Cryptography;
using System.Text;

namespace LocalKube.Drivers.Qemu;

/// <summary>Where the qemu driver keeps one machine's files inside its state folder.</summary>
internal sealed class QemuMachineLayout(string stateDirectory)
{
    // sockaddr_un holds 108 bytes; longer socket paths move to a short private folder under /tmp.
    private const int MaxSocketPath = 100;

    /// <summary>The absolute state folder (QEMU's command line carries it, which is how /proc scans find our VMs).</summary>
    public string Root { get; } = Path.GetFullPath(stateDirectory);

    /// <summary>The machine record; its presence is what makes the machine exist.</summary>
    public string Record => Path.Combine(Root, "machine.json");

    /// <summary>The machine's own links to the image files it was created with.</summary>
    public string ImageDirectory => Path.Combine(Root, "image");

    /// <summary>The uncompressed kernel.</summary>
    public string Kernel => Path.Combine(ImageDirectory, "vmlinux");

    /// <summary>The initramfs.</summary>
    public string Initrd => Path.Combine(ImageDirectory, "initrd.img");

    /// <summary>The read-only root disk.</summary>
    public string RootDisk => Path.Combine(ImageDirectory, "rootfs.qcow2");

    /// <summary>
    /// The node's /var disk: all of its state; kept by stop, removed by delete. Raw and sparse: no qcow2 cluster
    /// allocation on every first write, which costs a lot under emulation.
    /// </summary>
    public string DataDisk => Path.Combine(Root, "var.img");

    /// <summary>The 9p share: the agent bundle and certificates for the guest.</summary>
    public string Share => Path.Combine(Root, "share");

    /// <summary>The serial console, rewritten at every boot.</summary>
    public string Console => Path.Combine(Root, "console.log");

    /// <summary>QEMU's pid file.</summary>
    public string Pid => Path.Combine(Root, "qemu.pid");

    /// <summary>QEMU's stderr while it starts (before it daemonizes).</summary>
    public string QemuLog => Path.Combine(Root, "qemu.log");

    /// <summary>The QEMU monitor (QMP) socket.</summary>
    public string Monitor => Socket("qmp.sock");

    /// <summary>The guest agent socket.</summary>
    public string GuestAgent => Socket("qga.sock");

    /// <summary>The folder for sockets whose path would be too long under <see cref="Root"/>.</summary>
    public string ShortSocketDirectory =>
        Path.Combine(Path.GetTempPath(), $"localkube-{Environment.UserName}",
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Root)))[..16]);

    private string Socket(string name)
    {
        var path = Path.Combine(Root, name);
        return Encoding.UTF8.GetByteCount(path) <= MaxSocketPath ? path : Path.Combine(ShortSocketDirectory, name);
    }
}
