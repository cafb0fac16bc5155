using System.Diagnostics;
using System.Runtime.InteropServices;
using LocalKube.Testing;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests;

/// <summary>The built <c>localkube-node</c> executable as a child process, and the real kubectl against it.</summary>
[TestFixture]
[NonParallelizable]
public sealed class AgentProcessTests
{
    private const int SigTerm = 15;

    private TestPki _pki = null!;
    private TempDirectory _dir = null!;
    private Process _agent = null!;
    private int _port;

    private static string AgentPath => Path.Combine(AppContext.BaseDirectory, "localkube-node");

    [OneTimeSetUp]
    public async Task StartAgent()
    {
        _pki = new TestPki();
        _dir = new TempDirectory("lk-proc");
        _pki.WriteCertDir(_dir.Combine("certs"), "proc-node");
        _port = RunningAgent.FreePort();
        var start = new ProcessStartInfo(AgentPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[]
        {
            "run", "--data-dir", _dir.Combine("data"), "--cert-dir", _dir.Combine("certs"), "--bind-address", "127.0.0.1",
            "--secure-port", _port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--node-name", "proc-node",
            "--pid-file", _dir.Combine("run", "agent.pid"), "--extra-config", "apiserver.api-audiences=https://kubernetes.default.svc.cluster.local",
            "--container-runtime", "simulated",
        })
        {
            start.ArgumentList.Add(arg);
        }

        _agent = Process.Start(start)!;
        _agent.OutputDataReceived += (_, _) => { };
        _agent.ErrorDataReceived += (_, _) => { };
        _agent.BeginOutputReadLine();
        _agent.BeginErrorReadLine();
        await RunningAgent.WaitReadyAsync(new Uri($"https://127.0.0.1:{_port}"), _pki.Ca, _agent.WaitForExitAsync(), CancellationToken.None);
    }

    [OneTimeTearDown]
    public async Task StopAgent()
    {
        if (!_agent.HasExited)
        {
            _agent.Kill();
            await _agent.WaitForExitAsync();
        }

        _agent.Dispose();
        _pki.Dispose();
        _dir.Dispose();
    }

    [Test]
    [Order(1)]
    public async Task Kubectl_reads_version_and_readyz()
    {
        var kubectl = FindOnPath("kubectl");
        if (kubectl is null)
        {
            // Like every other tool this project's tests need: a developer may lack it, CI must not.
            const string message = "kubectl is not on PATH";
            if (LocalKube.Testing.DockerAvailability.IsCi)
            {
                Assert.Fail(message + "; CI must have it");
            }

            Assert.Ignore(message);
        }

        var kubeconfig = _pki.WriteKubeconfig(_dir.Combine("kubeconfig"), _port);

        // The gcloud kubectl dispatcher caches /version under ~/.kube/cache: a fresh HOME keeps runs independent.
        var home = Directory.CreateDirectory(_dir.Combine("home")).FullName;
        var (code, output) = await RunAsync(kubectl, home, "--kubeconfig", kubeconfig, "version", "-o", "json");
        Assert.That(code, Is.Zero, output);
        Assert.That(output, Does.Contain("\"gitVersion\": \"v1.32.4-localkube."));

        (code, output) = await RunAsync(kubectl, home, "--kubeconfig", kubeconfig, "get", "--raw", "/readyz?verbose");
        Assert.That(code, Is.Zero, output);
        Assert.That(output, Does.Contain("[+]apiserver ok").And.Contain("readyz check passed"));

        (code, output) = await RunAsync(kubectl, home, "--kubeconfig", kubeconfig, "api-resources");
        Assert.That(code, Is.Zero, output);
    }

    [Test]
    [Order(2)]
    public async Task Sigterm_stops_the_agent_with_exit_code_zero_and_removes_the_pid_file()
    {
        var pidFile = _dir.Combine("run", "agent.pid");
        Assert.That(File.ReadAllText(pidFile).Trim(), Is.EqualTo(_agent.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        Assert.That(Kill(_agent.Id, SigTerm), Is.Zero);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _agent.WaitForExitAsync(timeout.Token);

        Assert.That(_agent.ExitCode, Is.Zero);
        Assert.That(File.Exists(pidFile), Is.False);
    }

    // Process has no way to send SIGTERM; Kill() is SIGKILL.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    private static async Task<(int Code, string Output)> RunAsync(string file, string home, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["HOME"] = home;
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
