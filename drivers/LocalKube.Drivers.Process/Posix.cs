using System.Runtime.InteropServices;

namespace LocalKube.Drivers.Process;

/// <summary>The few libc calls the driver needs: .NET can send SIGKILL but not SIGTERM to an arbitrary pid.</summary>
internal static partial class Posix
{
    public const int SigKill = 9;
    public const int SigTerm = 15;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false when there is no such process.</summary>
    public static bool Signal(int pid, int signal)
    {
        // Never signal a process group or every process: pid 0 and negative pids mean exactly that to kill(2).
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(pid, 1);
        return Kill(pid, signal) == 0;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
