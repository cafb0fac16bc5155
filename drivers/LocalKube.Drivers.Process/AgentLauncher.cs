using System.Diagnostics;
using LocalKube.Abstractions.Errors;

namespace LocalKube.Drivers.Process;

/// <summary>
/// Starts the agent fully detached: <c>setsid -f</c> puts it in a new session (no controlling terminal, its own
/// process group), so neither the CLI exiting nor a Ctrl+C in the CLI's terminal reaches it. Its stdio goes to
/// files, so it never holds a pipe of the CLI (which would make <c>localkube start | tee</c> hang).
/// </summary>
internal sealed class AgentLauncher(TimeProvider timeProvider)
{
    // $1: file for the shell's own pid, $2: stdout/stderr file, then the agent's argv. The shell writes its pid and
    // then execs the agent, so that pid IS the agent's, known before the agent writes its own pid file.
    private const string LauncherScript = "echo $$ > \"$1\"; out=\"$2\"; shift 2; exec \"$@\" </dev/null >>\"$out\" 2>&1";

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan LauncherTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Launches <paramref name="executable"/> with <paramref name="arguments"/>, then waits until the agent writes its
    /// pid file (or <paramref name="readyTimeout"/> passes while it still runs). Returns its pid.
    /// </summary>
    /// <exception cref="LocalKubeException">The agent could not be started or exited at once (<see cref="Reasons.AgentFailed"/>).</exception>
    public async Task<int> LaunchAsync(
        MachineLayout layout, string executable, IReadOnlyList<string> arguments, TimeSpan readyTimeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        File.Delete(layout.LaunchPid);
        File.Delete(layout.AgentPid);

        var start = new ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            WorkingDirectory = layout.Root, // never pin the CLI's working folder for the agent's lifetime
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (IEnumerable<string>)["-f", "/bin/sh", "-c", LauncherScript, "localkube-agent-launcher", layout.LaunchPid, layout.AgentOutput, executable, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        string errors;
        int exitCode;
        using (var setsid = System.Diagnostics.Process.Start(start)
            ?? throw new LocalKubeException(Reasons.AgentFailed, "Could not start setsid."))
        {
            setsid.StandardInput.Close();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(LauncherTimeout);

            // setsid -f forks and returns at once; reading stderr to its end also waits for the forked child to
            // swap its stdio for files.
            var stdout = setsid.StandardOutput.ReadToEndAsync(timeout.Token);
            errors = await setsid.StandardError.ReadToEndAsync(timeout.Token);
            await stdout;
            await setsid.WaitForExitAsync(timeout.Token);
            exitCode = setsid.ExitCode;
        }

        if (exitCode != 0)
        {
            throw new LocalKubeException(Reasons.AgentFailed, $"setsid exited with {exitCode}: {errors.Trim()}");
        }

        var pid = await WaitForPidAsync(layout, cancellationToken);
        await WaitUntilReadyAsync(layout, pid, readyTimeout, cancellationToken);
        return pid;
    }

    private async Task<int> WaitForPidAsync(MachineLayout layout, CancellationToken cancellationToken)
    {
        var deadline = Deadline(LauncherTimeout);
        while (true)
        {
            if (AgentProcessTable.ReadPid(layout.LaunchPid) is { } pid)
            {
                return pid;
            }

            if (timeProvider.GetTimestamp() >= deadline)
            {
                throw new LocalKubeException(Reasons.AgentFailed,
                    $"The agent launcher did not report a pid within {LauncherTimeout}. {Output(layout)}");
            }

            await Task.Delay(PollInterval, timeProvider, cancellationToken);
        }
    }

    // Ready here means: it got far enough to write its pid file. An agent that dies first failed to start (bad
    // arguments, missing runtime files...), and says why on stderr or in its log.
    private async Task WaitUntilReadyAsync(MachineLayout layout, int pid, TimeSpan readyTimeout, CancellationToken cancellationToken)
    {
        var deadline = Deadline(readyTimeout);
        while (AgentProcessTable.ReadPid(layout.AgentPid) != pid)
        {
            if (!AgentProcessTable.IsAgentOf(pid, layout))
            {
                throw new LocalKubeException(Reasons.AgentFailed, $"The node agent exited right after it started. {Output(layout)}");
            }

            if (timeProvider.GetTimestamp() >= deadline)
            {
                return; // still running, just slow to write its pid file: the caller waits for /readyz anyway
            }

            await Task.Delay(PollInterval, timeProvider, cancellationToken);
        }
    }

    private long Deadline(TimeSpan timeout) =>
        timeProvider.GetTimestamp() + (long)(timeout.TotalSeconds * timeProvider.TimestampFrequency);

    private static string Output(MachineLayout layout)
    {
        try
        {
            var lines = File.ReadLines(layout.AgentOutput).TakeLast(20).ToList();
            return lines.Count == 0 ? "It wrote nothing to stdout or stderr." : $"Its output ({layout.AgentOutput}):\n{string.Join('\n', lines)}";
        }
        catch (IOException)
        {
            return "";
        }
    }
}
