using System.Globalization;
using System.Text;
using LocalKube.Abstractions.Errors;

namespace LocalKube.Drivers.Process;

/// <summary>
/// Finds and signals agent processes through /proc. A pid counts as a machine's agent only when its command line
/// runs <c>localkube-node</c> with that machine's <c>--data-dir</c>, so a stale pid file whose pid the kernel has
/// recycled for another process is never signalled.
/// </summary>
internal sealed class AgentProcessTable(TimeProvider timeProvider)
{
    /// <summary>The agent executable's file name.</summary>
    public const string AgentExecutable = "localkube-node";

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(10);

    /// <summary>The command line of <paramref name="pid"/>, or null when it is gone (or a zombie: empty cmdline).</summary>
    public static IReadOnlyList<string>? CommandLine(int pid)
    {
        try
        {
            var bytes = File.ReadAllBytes($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline");
            if (bytes.Length == 0)
            {
                return null;
            }

            return Encoding.UTF8.GetString(bytes).TrimEnd('\0').Split('\0');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The <c>--data-dir</c> of an agent command line, or null when it is not an agent's.</summary>
    public static string? AgentDataDirectory(IReadOnlyList<string> commandLine)
    {
        // The fake agent is a script, so argv[0] can be the shell: look for the executable anywhere before the flags.
        var executable = -1;
        for (var i = 0; i < commandLine.Count; i++)
        {
            if (Path.GetFileName(commandLine[i]) == AgentExecutable)
            {
                executable = i;
                break;
            }
        }

        for (var i = executable + 1; executable >= 0 && i < commandLine.Count - 1; i++)
        {
            if (commandLine[i] == "--data-dir")
            {
                return commandLine[i + 1];
            }
        }

        return null;
    }

    /// <summary>True when <paramref name="pid"/> is alive and is the agent of <paramref name="layout"/>.</summary>
    public static bool IsAgentOf(int pid, MachineLayout layout) =>
        pid > 1 && CommandLine(pid) is { } commandLine && AgentDataDirectory(commandLine) == layout.Data;

    /// <summary>The live agents named by the machine's pid files.</summary>
    public static IReadOnlyList<int> FromPidFiles(MachineLayout layout) =>
        [.. new[] { layout.AgentPid, layout.LaunchPid }.Select(ReadPid).OfType<int>().Distinct().Where(p => IsAgentOf(p, layout))];

    /// <summary>Every live agent whose data folder is <paramref name="dataDirectoryOrParent"/> or lies under it.</summary>
    public static IReadOnlyList<(int Pid, string DataDirectory)> Scan(string dataDirectoryOrParent)
    {
        var prefix = Path.GetFullPath(dataDirectoryOrParent).TrimEnd('/');
        var found = new List<(int, string)>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= 1)
            {
                continue;
            }

            if (CommandLine(pid) is { } commandLine && AgentDataDirectory(commandLine) is { } data
                && (data == prefix || data.StartsWith(prefix + "/", StringComparison.Ordinal)))
            {
                found.Add((pid, data));
            }
        }

        return found;
    }

    /// <summary>Every live agent of the machine: its pid files, plus a /proc scan for agents whose pid file is lost.</summary>
    public static IReadOnlyList<int> Find(MachineLayout layout) =>
        [.. FromPidFiles(layout).Concat(Scan(layout.Data).Select(a => a.Pid)).Distinct()];

    /// <summary>
    /// SIGTERM, then wait up to <paramref name="timeout"/>, then SIGKILL whatever is left. Returns true when every
    /// agent exited on SIGTERM.
    /// </summary>
    public async Task<bool> StopAsync(MachineLayout layout, IReadOnlyList<int> pids, TimeSpan timeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var pid in pids.Where(p => IsAgentOf(p, layout)))
        {
            Posix.Signal(pid, Posix.SigTerm);
        }

        if (await WaitGoneAsync(layout, pids, timeout, cancellationToken))
        {
            return true;
        }

        await KillAsync(layout, pids, cancellationToken);
        return false;
    }

    /// <summary>SIGKILL, then wait until the processes are gone.</summary>
    public async Task KillAsync(MachineLayout layout, IReadOnlyList<int> pids, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var pid in pids.Where(p => IsAgentOf(p, layout)))
        {
            Posix.Signal(pid, Posix.SigKill);
        }

        if (!await WaitGoneAsync(layout, pids, KillWait, cancellationToken))
        {
            throw new LocalKubeException(Reasons.StopTimeout,
                $"The node agent ({string.Join(", ", pids)}) survived SIGKILL for {KillWait}; it may be stuck in the kernel (e.g. on a hung mount).");
        }
    }

    /// <summary>Waits until none of <paramref name="pids"/> is the machine's agent any more.</summary>
    public async Task<bool> WaitGoneAsync(MachineLayout layout, IReadOnlyList<int> pids, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // A negative timeout (Timeout.InfiniteTimeSpan) waits for as long as the caller's token allows.
        var deadline = timeout < TimeSpan.Zero
            ? long.MaxValue
            : timeProvider.GetTimestamp() + (long)(timeout.TotalSeconds * timeProvider.TimestampFrequency);
        while (pids.Any(p => IsAgentOf(p, layout)))
        {
            if (timeProvider.GetTimestamp() >= deadline)
            {
                return false;
            }

            await Task.Delay(PollInterval, timeProvider, cancellationToken);
        }

        return true;
    }

    /// <summary>Reads a pid file; null when missing or not a number.</summary>
    public static int? ReadPid(string path)
    {
        try
        {
            return int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 1 ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
