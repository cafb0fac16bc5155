using System.Globalization;

namespace LocalKube.Drivers.Docker;

/// <summary>
/// The Linux capabilities the node container gets. <c>--privileged</c> fails on hosts whose bounding set lacks a
/// capability ("unable to apply caps"), so the driver asks for exactly the host's bounding set instead.
/// </summary>
internal static class HostCapabilities
{
    // Bit number → name, per linux/capability.h (0 = CAP_CHOWN ... 40 = CAP_CHECKPOINT_RESTORE).
    private static readonly string[] Names =
    [
        "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP",
        "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER",
        "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
        "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP",
        "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF",
        "CHECKPOINT_RESTORE",
    ];

    /// <summary>
    /// <c>CAP_*</c> names in this process's bounding set, or null when it cannot be read (not Linux: Docker Desktop
    /// runs its engine in a VM where <c>--privileged</c> works).
    /// </summary>
    public static IReadOnlyList<string>? ReadBoundingSet(string statusPath = "/proc/self/status")
    {
        if (!OperatingSystem.IsLinux() || !File.Exists(statusPath))
        {
            return null;
        }

        var line = File.ReadLines(statusPath).FirstOrDefault(l => l.StartsWith("CapBnd:", StringComparison.Ordinal));
        return line is null ? null : FromMask(line["CapBnd:".Length..].Trim());
    }

    /// <summary>Maps a hex capability mask (as in <c>/proc/*/status</c>) to <c>CAP_*</c> names it knows.</summary>
    public static IReadOnlyList<string> FromMask(string hexMask)
    {
        var mask = ulong.Parse(hexMask, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return Enumerable.Range(0, Names.Length)
            .Where(bit => (mask & (1UL << bit)) != 0)
            .Select(bit => "CAP_" + Names[bit])
            .ToList();
    }
}
