using System.Diagnostics;
using LocalKube.Testing;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests;

/// <summary>
/// The real kubectl (through the PATH dispatcher) against an in-process agent: a test PKI, a temp folder holding the
/// admin kubeconfig and a fresh HOME, so the dispatcher's and discovery caches of other runs stay out of the way.
/// Missing kubectl fails in CI and ignores the fixture elsewhere.
/// </summary>
internal sealed class KubectlAgent : IAsyncDisposable
{
    private readonly string _kubectl;

    private KubectlAgent(string kubectl, TestPki pki, TempDirectory dir)
    {
        _kubectl = kubectl;
        Pki = pki;
        Dir = dir;
    }

    public RunningAgent Agent { get; private set; } = null!;

    public TestPki Pki { get; }

    public TempDirectory Dir { get; }

    /// <summary>The admin kubeconfig every call uses unless it names another.</summary>
    public string Kubeconfig { get; private set; } = null!;

    public string Home { get; private set; } = null!;

    public static async Task<KubectlAgent> StartAsync(string dirPrefix, string kubeconfigName = "kubeconfig")
    {
        var kubectl = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, "kubectl")).FirstOrDefault(File.Exists);
        if (kubectl is null)
        {
            if (DockerAvailability.IsCi)
            {
                Assert.Fail("kubectl is not on PATH; CI must have it");
            }

            Assert.Ignore("kubectl is not on PATH");
        }

        var harness = new KubectlAgent(kubectl!, new TestPki(), new TempDirectory(dirPrefix));
        try
        {
            harness.Agent = await RunningAgent.StartAsync(harness.Pki);
            harness.Kubeconfig = harness.Pki.WriteKubeconfig(harness.Dir.Combine(kubeconfigName), harness.Agent.Port);
            harness.Home = Directory.CreateDirectory(harness.Dir.Combine("home")).FullName;
            return harness;
        }
        catch
        {
            await harness.DisposeAsync();
            throw;
        }
    }

    /// <summary>Writes a file into the temp folder and returns its path.</summary>
    public string Write(string name, string content)
    {
        var path = Dir.Combine(name);
        File.WriteAllText(path, content);
        return path;
    }

    public Task<string> OkAsync(params string[] args) => OkWithAsync(Kubeconfig, args);

    public Task<(int Code, string Output)> RunAsync(params string[] args) => RunWithAsync(Kubeconfig, args);

    /// <summary>Asserts exit 0 and returns the combined stdout and stderr.</summary>
    public async Task<string> OkWithAsync(string kubeconfig, params string[] args)
    {
        var (code, stdout, stderr) = await ExecAsync(kubeconfig, args);
        Assert.That(code, Is.Zero, $"kubectl {string.Join(' ', args)}: {stdout + stderr}");
        return stdout + stderr;
    }

    /// <summary>Asserts exit 0 and returns stdout only, so -o json stays parseable when -v logging goes to stderr.</summary>
    public async Task<string> OkStdoutAsync(params string[] args)
    {
        var (code, stdout, stderr) = await ExecAsync(Kubeconfig, args);
        Assert.That(code, Is.Zero, $"kubectl {string.Join(' ', args)}: {stdout + stderr}");
        return stdout;
    }

    /// <summary>Runs to exit; the output is stdout followed by stderr.</summary>
    public async Task<(int Code, string Output)> RunWithAsync(string kubeconfig, params string[] args)
    {
        var (code, stdout, stderr) = await ExecAsync(kubeconfig, args);
        return (code, stdout + stderr);
    }

    /// <summary>
    /// Runs another kubectl binary (an older or newer version) to exit, with a HOME of its own so versions do not share
    /// discovery caches.
    /// </summary>
    public async Task<(int Code, string Stdout, string Stderr)> RunBinaryAsync(string binary, params string[] args)
    {
        var home = Directory.CreateDirectory(Dir.Combine("home-" + Path.GetFileName(binary))).FullName;
        return await ExecAsync(Kubeconfig, args, binary, home);
    }

    /// <summary>A streamed kubectl (get -w, wait) whose interleaved output can be polled while it runs.</summary>
    public KubectlProcess Start(params string[] args) => new(Process.Start(StartInfo(Kubeconfig, args))!);

    public async ValueTask DisposeAsync()
    {
        if (Agent is not null)
        {
            await Agent.DisposeAsync();
        }

        Pki.Dispose();
        Dir.Dispose();
    }

    private async Task<(int Code, string Stdout, string Stderr)> ExecAsync(string kubeconfig, string[] args, string? binary = null, string? home = null)
    {
        using var process = Process.Start(StartInfo(kubeconfig, args, binary, home))!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    private ProcessStartInfo StartInfo(string kubeconfig, string[] args, string? binary = null, string? home = null)
    {
        var start = new ProcessStartInfo(binary ?? _kubectl) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["HOME"] = home ?? Home;
        start.ArgumentList.Add("--kubeconfig");
        start.ArgumentList.Add(kubeconfig);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }
}
