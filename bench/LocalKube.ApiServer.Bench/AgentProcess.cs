using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace LocalKube.ApiServer.Bench;

/// <summary>
/// The agent as its own process (<c>localkube-node run</c>), so its memory is measured alone and the client's
/// allocations do not share its heap. Its output is kept (last lines) only to explain a failed start.
/// </summary>
internal sealed class AgentProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _tail = new();

    private AgentProcess(Process process)
    {
        _process = process;
    }

    public int Pid => _process.Id;

    /// <summary>The default agent: the <c>localkube-node</c> build copied next to this bench.</summary>
    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "localkube-node");

    public static AgentProcess Start(string agent, string dataDir, string certDir, int port)
    {
        var info = new ProcessStartInfo(agent)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "run", "--data-dir", dataDir, "--cert-dir", certDir, "--bind-address", "127.0.0.1",
            "--secure-port", port.ToString(CultureInfo.InvariantCulture), "--node-name", "bench",
        })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {agent}");
        var agentProcess = new AgentProcess(process);
        process.OutputDataReceived += (_, e) => agentProcess.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => agentProcess.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return agentProcess;
    }

    /// <summary>The agent's resident set (VmRSS) in MiB, from /proc.</summary>
    public double RssMiB() => StatusKiB("VmRSS:") / 1024.0;

    /// <summary>The agent's peak resident set (VmHWM) in MiB.</summary>
    public double PeakRssMiB() => StatusKiB("VmHWM:") / 1024.0;

    /// <summary>The agent's CPU time so far (user + system), in ms, from /proc/PID/stat (10 ms ticks).</summary>
    public double CpuMs()
    {
        var stat = File.ReadAllText($"/proc/{Pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');

        // After the command: state is field 3, utime 14 and stime 15 (1-based over the whole line).
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks * 10.0;
    }

    public string Tail() => string.Join(Environment.NewLine, _tail);

    public bool HasExited => _process.HasExited;

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _process.WaitForExitAsync(wait.Token);
        _process.Dispose();
    }

    private long StatusKiB(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"no {field} in /proc/{Pid}/status");
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _tail.Enqueue(line);
        while (_tail.Count > 40)
        {
            _tail.TryDequeue(out _);
        }
    }
}
