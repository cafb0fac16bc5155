using System.Globalization;
using LocalKube.Abstractions.Drivers;

namespace LocalKube.Drivers.Qemu;

/// <summary>
/// The qemu-system-x86_64 command line of a node VM: q35, direct kernel boot (PVH, no firmware work and no in-guest
/// decompression), a read-only root disk plus the node's own /var disk, user-mode networking with the API server and
/// <c>--ports</c> forwarded from the host, a 9p share for the agent bundle, the guest agent on a virtio-serial port,
/// the monitor on a socket, and the console in a file. QEMU daemonizes once the VM is set up.
/// </summary>
internal static class QemuCommandLine
{
    /// <summary>The guest's address on QEMU's user-mode network (fixed: slirp's first DHCP address).</summary>
    public const string GuestAddress = "10.0.2.15";

    /// <summary>The memory a machine created with <c>--memory=no-limit</c> gets: a VM needs a size.</summary>
    public const long DefaultMemoryMiB = 2048;

    /// <summary>The arguments, without the program.</summary>
    public static IReadOnlyList<string> Build(QemuMachineRecord record, QemuMachineLayout layout, QemuAccelerator accelerator, int hostCpus)
    {
        var cpus = record.Cpus > 0 ? record.Cpus : hostCpus;
        var memory = record.MemoryMiB > 0 ? record.MemoryMiB : DefaultMemoryMiB;
        var arguments = new List<string>
        {
            "-name", record.Name,
            "-machine", $"q35,accel={accelerator.Name}",
        };
        if (accelerator.IsKvm)
        {
            arguments.AddRange(["-cpu", "host"]);
        }

        arguments.AddRange(
        [
            "-smp", cpus.ToString(CultureInfo.InvariantCulture),
            "-m", $"{memory.ToString(CultureInfo.InvariantCulture)}M",
            "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
            "-kernel", layout.Kernel,
            "-initrd", layout.Initrd,
            "-append", KernelCommandLine(record.Name, accelerator),
            "-drive", $"file={Escape(layout.RootDisk)},if=virtio,format=qcow2,readonly=on",
            "-drive", $"file={Escape(layout.DataDisk)},if=virtio,format=raw,discard=unmap",
            "-netdev", $"user,id=net0,{string.Join(',', Forwards(record))}",
            "-device", "virtio-net-pci,netdev=net0,romfile=",
            "-device", "virtio-rng-pci",
            // Pages the guest frees go back to the host, so an idle node does not keep its peak memory.
            "-device", "virtio-balloon-pci,free-page-reporting=on",
            "-virtfs", $"local,path={Escape(layout.Share)},mount_tag=localkube,security_model=none,readonly=on",
            "-device", "virtio-serial-pci",
            "-chardev", $"socket,id=qga0,path={Escape(layout.GuestAgent)},server=on,wait=off",
            "-device", "virtserialport,chardev=qga0,name=org.qemu.guest_agent.0",
            "-qmp", $"unix:{Escape(layout.Monitor)},server=on,wait=off",
            "-serial", $"file:{layout.Console}",
            "-pidfile", layout.Pid,
            "-daemonize",
        ]);
        return arguments;
    }

    /// <summary>The kernel command line: what the image's initramfs and init read (images/node/vm).</summary>
    public static string KernelCommandLine(string hostname, QemuAccelerator accelerator)
    {
        // apparmor=0: Debian's kernel enables AppArmor, and the node's dockerd then refuses every container unless
        // apparmor_parser can load its profile; the node image carries no AppArmor userland (as minikube's ISO).
        var words = new List<string> { "console=ttyS0", "quiet", "panic=-1", "apparmor=0", "cryptomgr.notests", "tsc=reliable", "no_timer_check" };
        if (!accelerator.IsKvm)
        {
            // TCG does not speculate, so the mitigations only cost time there.
            words.Add("mitigations=off");
        }

        words.AddRange(
        [
            "localkube.platform=qemu", "localkube.root=/dev/vda", "localkube.data=/dev/vdb",
            $"localkube.hostname={hostname}",
            $"localkube.net=static:{GuestAddress}/24:10.0.2.2:10.0.2.3",
            "localkube.share=9p", "localkube.ga=virtio",
        ]);
        return string.Join(' ', words);
    }

    /// <summary>The API server's port, then <c>--ports</c>, as QEMU hostfwd rules (host address:port to guest port).</summary>
    public static IEnumerable<string> Forwards(QemuMachineRecord record) =>
        new[] { new PortMapping(record.ApiServerHostPort, WellKnownPorts.ApiServer) }.Concat(record.Ports)
            .Select(p => $"hostfwd={p.Protocol.ToLowerInvariant()}:{p.HostIp}:{p.HostPort.ToString(CultureInfo.InvariantCulture)}-:{p.NodePort.ToString(CultureInfo.InvariantCulture)}");

    // QEMU option values separate keys with commas; a literal comma is written twice.
    private static string Escape(string value) => value.Replace(",", ",,", StringComparison.Ordinal);
}
