using System.Diagnostics;
using LocalKube.Testing;

namespace LocalKube.Node.Kubelet.Tests.Streaming;

/// <summary>
/// A real kubectl binary (the dispatcher's pinned versions when present, so a test picks the SPDY-era 1.27 or the
/// WebSocket-era 1.32) against a kubeconfig, with its own HOME. Missing kubectl fails in CI, ignores elsewhere.
/// </summary>
internal sealed class Kubectl(string path, string kubeconfig, string home)
{
    private const string Dispatcher = "/usr/lib/google-cloud-sdk/bin";

    public string Path => path;

    /// <summary>kubectl <paramref name="version"/> (e.g. <c>1.27</c>), or the one on PATH when null.</summary>
    public static Kubectl Find(string? version, string kubeconfig, string home)
    {
        var pinned = version is null ? null : System.IO.Path.Combine(Dispatcher, "kubectl." + version);
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => System.IO.Path.Combine(d, "kubectl")).FirstOrDefault(File.Exists);
        var binary = pinned is not null && File.Exists(pinned) ? pinned : onPath;
        if (binary is null || (version is not null && binary != pinned))
        {
            var why = $"kubectl {version ?? ""} is not installed";
            if (DockerAvailability.IsCi)
            {
                Assert.Fail(why + "; CI must have it");
            }

            Assert.Ignore(why);
        }

        return new Kubectl(binary!, kubeconfig, home);
    }

    /// <summary>Runs to exit (60 s at most) with optional stdin; stdout and stderr apart.</summary>
    public async Task<(int Code, string Stdout, string Stderr)> RunAsync(string? stdin, params string[] args)
    {
        using var process = Start(args);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin.AsMemory(), timeout.Token);
        }

        process.StandardInput.Close();
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"kubectl {string.Join(' ', args)} did not finish in 60 s");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Asserts exit 0 and returns stdout.</summary>
    public async Task<string> OkAsync(params string[] args)
    {
        var (code, stdout, stderr) = await RunAsync(null, args);
        Assert.That(code, Is.Zero, $"kubectl {string.Join(' ', args)}: {stdout}{stderr}");
        return stdout;
    }

    /// <summary>Starts a long-running kubectl (logs -f, port-forward); the caller kills it.</summary>
    public Process Start(params string[] args)
    {
        var start = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.Environment["HOME"] = home;
        start.ArgumentList.Add("--kubeconfig");
        start.ArgumentList.Add(kubeconfig);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }
}
