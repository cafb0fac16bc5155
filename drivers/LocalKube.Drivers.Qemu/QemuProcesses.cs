using System.Globalization;
using System.Text;

namespace LocalKube.Drivers.Qemu;

/// <summary>
/// Finds and kills QEMU processes through /proc. A pid counts as a machine's QEMU only when its command line carries
/// that machine's <c>-pidfile</c>, so a stale pid file whose pid was recycled never gets anything killed.
/// </summary>
internal static class QemuProcesses
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>The machine's running QEMU, or null.</summary>
    public static int? Find(QemuMachineLayout layout)
    {
        if (ReadPid(layout.Pid) is { } pid && PidFileOf(pid) == layout.Pid)
        {
            return pid;
        }

        // The pid file can be missing (QEMU was killed while writing it, or someone removed it): scan.
        return Scan(layout.Root).Select(p => (int?)p.Pid).FirstOrDefault();
    }

    /// <summary>Every live QEMU whose <c>-pidfile</c> lies under <paramref name="directory"/>.</summary>
    public static IReadOnlyList<(int Pid, string PidFile)> Scan(string directory)
    {
        var prefix = Path.GetFullPath(directory).TrimEnd('/') + "/";
        var found = new List<(int, string)>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && PidFileOf(pid) is { } pidFile && pidFile.StartsWith(prefix, StringComparison.Ordinal))
            {
                found.Add((pid, pidFile));
            }
        }

        return found;
    }

    /// <summary>SIGKILL, then waits until the process is gone (a KVM guest stuck in the kernel can take seconds).</summary>
    /// <returns>False when it still lives after <paramref name="wait"/>.</returns>
    public static async Task<bool> KillAsync(int pid, TimeSpan wait, CancellationToken cancellationToken)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            process.Kill();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Gone already.
        }

        return await WaitGoneAsync(pid, wait, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits until <paramref name="pid"/> is gone (or a zombie); false after <paramref name="wait"/>.</summary>
    public static async Task<bool> WaitGoneAsync(int pid, TimeSpan wait, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + wait;
        while (IsAlive(pid))
        {
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>The <c>-pidfile</c> argument of <paramref name="pid"/>'s command line, when it is a QEMU.</summary>
    public static string? PidFileOf(int pid)
    {
        string[] arguments;
        try
        {
            var bytes = File.ReadAllBytes($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline");
            arguments = Encoding.UTF8.GetString(bytes).TrimEnd('\0').Split('\0');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        if (arguments.Length == 0 || !Path.GetFileName(arguments[0]).StartsWith("qemu-system", StringComparison.Ordinal))
        {
            return null;
        }

        var at = Array.IndexOf(arguments, "-pidfile");
        return at >= 0 && at + 1 < arguments.Length ? Path.GetFullPath(arguments[at + 1]) : null;
    }

    private static int? ReadPid(string path)
    {
        try
        {
            return int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 1
                ? pid
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    // Gone: no /proc entry, or a zombie whose threads have all exited. A killed QEMU's leader thread turns zombie
    // while its other threads still tear down (and still hold its sockets, like the forwarded ports), so a zombie
    // leader alone is not enough.
    private static bool IsAlive(int pid)
    {
        try
        {
            var status = File.ReadAllLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status");
            var state = status.FirstOrDefault(l => l.StartsWith("State:", StringComparison.Ordinal)) ?? "";
            var threads = status.FirstOrDefault(l => l.StartsWith("Threads:", StringComparison.Ordinal)) ?? "";
            return !((state.Contains('Z', StringComparison.Ordinal) || state.Contains('X', StringComparison.Ordinal))
                && threads.EndsWith("\t1", StringComparison.Ordinal));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
