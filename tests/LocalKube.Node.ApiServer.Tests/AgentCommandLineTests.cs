using System.Diagnostics;
using System.Text.Json;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests;

/// <summary>The <c>localkube-node</c> command line: version, storage placeholder, usage errors.</summary>
[TestFixture]
public sealed class AgentCommandLineTests
{
    [Test]
    public async Task Version_prints_the_version_document()
    {
        var (code, stdout, _) = await RunAsync("version");
        Assert.That(code, Is.Zero);
        using var json = JsonDocument.Parse(stdout);
        Assert.That(json.RootElement.GetProperty("minor").GetString(), Is.EqualTo("32"));
    }

    [Test]
    public async Task Storage_validates_flags_then_says_it_is_not_there_yet()
    {
        var (code, _, stderr) = await RunAsync("storage", "--data-dir", "/tmp/x", "--listen-client-urls", "http://127.0.0.1:2379");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("the embedded store arrives with the storage issue"));

        (code, _, stderr) = await RunAsync("storage", "--data-dir", "/tmp/x", "--listen-client-urls", "unix:///x");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("--listen-client-urls 'unix:///x'"));
    }

    [Test]
    public async Task Run_with_bad_flags_names_them_and_exits_2()
    {
        var (code, _, stderr) = await RunAsync("run", "--data-dir", "/tmp/x", "--cert-dir", "/tmp/y", "--node-name", "Bad_Name", "--secure-port", "0");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("--secure-port 0 must be between 1 and 65535").And.Contain("--node-name 'Bad_Name'"));

        (code, _, stderr) = await RunAsync("run", "--data-dir", "/tmp/x");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("--cert-dir"));
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "localkube-node"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
