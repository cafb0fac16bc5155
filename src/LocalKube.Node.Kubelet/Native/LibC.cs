using System.Runtime.InteropServices;

namespace LocalKube.Node.Kubelet.Native;

/// <summary>The few libc calls .NET does not offer: rename of a symlink over another, kill, setns, mount and umount.</summary>
internal static partial class LibC
{
    public const int SigKill = 9;
    public const int CloneNewNet = 0x40000000;
    public const int MntDetach = 2;

    /// <summary>rename(2): atomically replaces <paramref name="to"/> (a symlink to a directory included).</summary>
    public static void Rename(string from, string to)
    {
        if (RenameNative(from, to) != 0)
        {
            throw new IOException($"rename {from} {to}: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Sends SIGKILL to <paramref name="pid"/> (never to a group: pids ≤ 1 are refused).</summary>
    public static bool Kill(int pid)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(pid, 1);
        return KillNative(pid, SigKill) == 0;
    }

    /// <summary>st_mode's file type bits.</summary>
    public const int TypeMask = 0xF000;
    public const int TypeSocket = 0xC000;
    public const int TypeCharDevice = 0x2000;
    public const int TypeBlockDevice = 0x6000;
    public const int TypeRegular = 0x8000;
    public const int TypeDirectory = 0x4000;

    /// <summary>The file type bits of <paramref name="path"/> (stat(2), links followed); 0 when it does not exist.</summary>
    public static int FileType(string path)
    {
        // struct stat is opaque to .NET; st_mode sits at offset 24 on x86-64 and 16 on arm64 (asm-generic layout).
        Span<byte> buffer = stackalloc byte[256];
        if (StatNative(path, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            return 0;
        }

        var offset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 24 : 16;
        return BitConverter.ToInt32(buffer[offset..(offset + 4)]) & TypeMask;
    }

    /// <summary>st_dev of <paramref name="path"/> (stat(2), links followed); null when it does not exist.</summary>
    public static ulong? Device(string path)
    {
        // st_dev is the first field of struct stat on x86-64 and arm64 alike.
        Span<byte> buffer = stackalloc byte[256];
        return StatNative(path, ref MemoryMarshal.GetReference(buffer)) == 0 ? BitConverter.ToUInt64(buffer[..8]) : null;
    }

    /// <summary>Mounts a tmpfs of <paramref name="sizeBytes"/> (0: the default) on <paramref name="target"/>.</summary>
    public static void MountTmpfs(string target, long sizeBytes)
    {
        var options = sizeBytes > 0 ? $"size={sizeBytes},mode=0777" : "mode=0777";
        if (MountNative("tmpfs", target, "tmpfs", 0, options) != 0)
        {
            throw new IOException($"mount tmpfs on {target}: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Detaches the mount on <paramref name="target"/>; false when nothing was mounted there.</summary>
    public static bool Unmount(string target) => Umount2Native(target, MntDetach) == 0;

    [LibraryImport("libc", EntryPoint = "stat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatNative(string path, ref byte buffer);

    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameNative(string from, string to);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int KillNative(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    internal static partial int SetNs(int fd, int nstype);

    [LibraryImport("libc", EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MountNative(string source, string target, string type, ulong flags, string data);

    [LibraryImport("libc", EntryPoint = "umount2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Umount2Native(string target, int flags);
}
