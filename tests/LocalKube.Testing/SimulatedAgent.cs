using System.Globalization;

namespace LocalKube.Testing;

/// <summary>
/// An in-memory stand-in for the fake node agent: it does, with files, what the sh fake agent does as a process
/// (pid file, JSON log lines per <see cref="FakeAgentProtocol"/>, a boot counter in its data folder), so
/// <see cref="FakeDriver"/> can pass the driver conformance suite without running anything.
/// </summary>
public sealed class SimulatedAgent
{
    private readonly TimeProvider _time;

    private SimulatedAgent(int pid, IReadOnlyList<string> arguments, TimeProvider time)
    {
        Pid = pid;
        Arguments = arguments;
        _time = time;
        DataDirectory = ValueOf("--data-dir") ?? throw new ArgumentException("The agent needs --data-dir.", nameof(arguments));
        CertDirectory = ValueOf("--cert-dir");
        PidFile = ValueOf("--pid-file") ?? Path.Combine(DataDirectory, "agent.pid");
    }

    /// <summary>The simulated process id.</summary>
    public int Pid { get; }

    /// <summary>The arguments after <c>run</c>.</summary>
    public IReadOnlyList<string> Arguments { get; }

    /// <summary>The <c>--data-dir</c> value.</summary>
    public string DataDirectory { get; }

    /// <summary>The <c>--cert-dir</c> value, if given.</summary>
    public string? CertDirectory { get; }

    /// <summary>The <c>--pid-file</c> value, or its default under the data folder.</summary>
    public string PidFile { get; }

    /// <summary>The agent's log file.</summary>
    public string LogFile => Path.Combine(DataDirectory, FakeAgentProtocol.LogFile);

    /// <summary>True between <see cref="Start"/> and <see cref="Terminate"/> or <see cref="Kill"/>.</summary>
    public bool IsRunning { get; private set; }

    /// <summary>"Execs" the agent: writes its pid file and start-up log lines, like the sh fake agent.</summary>
    public static SimulatedAgent Start(int pid, IReadOnlyList<string> arguments, TimeProvider time)
    {
        var agent = new SimulatedAgent(pid, arguments, time);
        agent.Run();
        return agent;
    }

    /// <summary>SIGTERM: logs <see cref="FakeAgentProtocol.Stopped"/>, removes the pid file and exits.</summary>
    public void Terminate()
    {
        if (!IsRunning)
        {
            return;
        }

        Log(FakeAgentProtocol.Stopped);
        File.Delete(PidFile);
        IsRunning = false;
    }

    /// <summary>SIGKILL: just gone; the pid file stays behind, as it would.</summary>
    public void Kill() => IsRunning = false;

    private void Run()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(LogFile)!);
        Directory.CreateDirectory(Path.GetDirectoryName(PidFile)!);
        File.WriteAllText(PidFile, Pid.ToString(CultureInfo.InvariantCulture) + "\n");
        IsRunning = true;
        Log(FakeAgentProtocol.StartedPrefix + Pid.ToString(CultureInfo.InvariantCulture));
        foreach (var argument in Arguments)
        {
            Log(FakeAgentProtocol.ArgumentPrefix + argument);
        }

        if (CertDirectory is not null && Directory.Exists(CertDirectory))
        {
            // Ordinal order, like the shell's glob in the C locale.
            foreach (var file in Directory.GetFiles(CertDirectory).Order(StringComparer.Ordinal))
            {
                var mode = OperatingSystem.IsWindows() ? "-rw-rw-rw-" : FakeAgentProtocol.FormatMode(File.GetUnixFileMode(file));
                var content = File.ReadAllText(file).Replace("\n", string.Empty, StringComparison.Ordinal);
                Log($"{FakeAgentProtocol.FilePrefix}{Path.GetFileName(file)} mode={mode} content={content}");
            }
        }

        var counter = Path.Combine(DataDirectory, FakeAgentProtocol.BootCounterFile);
        var boots = File.Exists(counter) && int.TryParse(File.ReadAllText(counter).Trim(), CultureInfo.InvariantCulture, out var n) ? n + 1 : 1;
        File.WriteAllText(counter, boots.ToString(CultureInfo.InvariantCulture) + "\n");
        Log(FakeAgentProtocol.BootPrefix + boots.ToString(CultureInfo.InvariantCulture));
    }

    private void Log(string message) =>
        File.AppendAllText(LogFile, FakeAgentProtocol.FormatLine(_time.GetUtcNow(), message) + "\n");

    private string? ValueOf(string flag)
    {
        for (var i = 0; i < Arguments.Count - 1; i++)
        {
            if (Arguments[i] == flag)
            {
                return Arguments[i + 1];
            }
        }

        return null;
    }
}
