using System.Globalization;

namespace LocalKube.Drivers.Xhyve;

/// <summary>Where the xhyve driver keeps one machine's files (hyperkit's pid file, sockets and console ring too).</summary>
internal sealed class XhyveLayout(string stateDirectory, int guestAgentPort)
{
    /// <summary>The absolute state folder.</summary>
    public string Root { get; } = Path.GetFullPath(stateDirectory);

    /// <summary>The machine record; its presence is what makes the machine exist.</summary>
    public string Record => Path.Combine(Root, "machine.json");

    /// <summary>The kernel (bzImage) the machine boots.</summary>
    public string Kernel => Path.Combine(Root, "vmlinuz");

    /// <summary>The initramfs.</summary>
    public string Initrd => Path.Combine(Root, "initrd.img");

    /// <summary>The root disk (raw).</summary>
    public string RootDisk => Path.Combine(Root, "root.img");

    /// <summary>The node's /var disk (raw, sparse).</summary>
    public string DataDisk => Path.Combine(Root, "var.img");

    /// <summary>hyperkit's pid file (-F).</summary>
    public string Pid => Path.Combine(Root, "hyperkit.pid");

    /// <summary>hyperkit's stdout and stderr.</summary>
    public string Log => Path.Combine(Root, "hyperkit.log");

    /// <summary>The console's pty link.</summary>
    public string Tty => Path.Combine(Root, "tty");

    /// <summary>hyperkit's copy of the console (a ring buffer file).</summary>
    public string ConsoleRing => Path.Combine(Root, "console-ring");

    /// <summary>The vsock port of the guest agent.</summary>
    public int GuestAgentPort => guestAgentPort;

    /// <summary>hyperkit's Unix socket for the guest's vsock port: <c>&lt;cid&gt;.&lt;port&gt;</c> in hex, in the state folder.</summary>
    public string GuestAgentSocket => Path.Combine(Root, $"00000003.{guestAgentPort.ToString("x8", CultureInfo.InvariantCulture)}");
}
