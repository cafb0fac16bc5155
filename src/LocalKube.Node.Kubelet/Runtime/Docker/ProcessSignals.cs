using System.Runtime.InteropServices;

namespace LocalKube.Node.Kubelet.Runtime.Docker;

/// <summary>kill(2), for exec processes whose client went away.</summary>
internal static partial class ProcessSignals
{
    private const int SigKill = 9;

    /// <summary>Sends SIGKILL to <paramref name="pid"/> (never to a group: pids ≤ 1 are refused).</summary>
    public static bool Kill(int pid)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(pid, 1);
        return KillNative(pid, SigKill) == 0;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int KillNative(int pid, int signal);
}
