using System.Diagnostics;
using System.Text;

namespace LocalKube.Dashboard.Tests;

/// <summary>Runs a program to exit (with a deadline) or starts it and reads its output as it comes.</summary>
public sealed class ProcessRun : IDisposable
{
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Lock _gate = new();

    private ProcessRun(Process process)
    {
        Process = process;
        process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Process Process { get; }

    public string Stdout
    {
        get
        {
            lock (_gate)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_gate)
            {
                return _stderr.ToString();
            }
        }
    }

    public static ProcessRun Start(string program, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return new ProcessRun(Process.Start(start)!);
    }

    public static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string program, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, TimeSpan? timeout = null)
    {
        using var run = Start(program, args, environment);
        run.Process.StandardInput.Close();
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(120));
        try
        {
            await run.Process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            run.Process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish: {run.Stdout}{run.Stderr}");
        }

        run.Process.WaitForExit();
        TestContext.Progress.WriteLine($"$ {Path.GetFileName(program)} {string.Join(' ', args)} -> {run.Process.ExitCode}");
        return (run.Process.ExitCode, run.Stdout, run.Stderr);
    }

    /// <summary>Waits until stdout has a line matching <paramref name="predicate"/> (or the process exits).</summary>
    public async Task<string?> WaitForLineAsync(Func<string, bool> predicate, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var line = Stdout.Split('\n').FirstOrDefault(l => predicate(l.Trim()));
            if (line is not null)
            {
                return line.Trim();
            }

            if (Process.HasExited)
            {
                return null;
            }

            await Task.Delay(20);
        }

        return null;
    }

    /// <summary>SIGINT, as Ctrl+C sends it.</summary>
    public void Interrupt() => _ = Kill(Process.Id, 2);

    public void Dispose()
    {
        try
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                Process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        Process.Dispose();
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private void Append(StringBuilder to, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            to.Append(line).Append('\n');
        }
    }
}
