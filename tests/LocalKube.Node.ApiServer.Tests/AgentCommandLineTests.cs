using System.Diagnostics;
using System.Text.Json;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests;

/// <summary>The <c>localkube-node</c> command line: version, the standalone store, usage errors.</summary>
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
    public async Task Storage_rejects_a_bad_listen_url()
    {
        var (code, _, stderr) = await RunAsync("storage", "--data-dir", "/tmp/x", "--listen-client-urls", "unix:///x");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("--listen-client-urls 'unix:///x'"));
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task Storage_serves_etcdctl_keeps_data_across_restart_and_stops_on_sigterm(CancellationToken ct)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), $"lk-store-{Guid.NewGuid():N}");
        var url = $"http://127.0.0.1:{LocalKube.Testing.FreeTcpPort.Get()}";
        try
        {
            var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
            using (var server = StartStorage(dataDir, url, log))
            {
                await EtcdctlAsync(url, ct, "endpoint", "health");
                Assert.That((await EtcdctlAsync(url, ct, "put", "/registry/demo", "hello")).Trim(), Is.EqualTo("OK"));
                await StopAsync(server, ct);
            }

            Assert.That(log, Has.Some.Contains("Serving etcd v3 API on " + url));
            Assert.That(log, Has.None.Contains("Request starting"), "no console line per request: it would cost more than the request");

            using (var again = StartStorage(dataDir, url))
            {
                await EtcdctlAsync(url, ct, "endpoint", "health");
                var value = await EtcdctlAsync(url, ct, "get", "/registry/demo", "--print-value-only");
                Assert.That(value.Trim(), Is.EqualTo("hello"), "an acknowledged write survives a restart of the binary");
                await StopAsync(again, ct);
            }
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static Process StartStorage(string dataDir, string url, System.Collections.Concurrent.ConcurrentQueue<string>? log = null)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "localkube-node")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "storage", "--data-dir", dataDir, "--listen-client-urls", url })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        // Drain output so the child never blocks on a full pipe.
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;

        void Keep(string? line)
        {
            if (line is not null)
            {
                log?.Enqueue(line);
            }
        }
    }

    private static async Task StopAsync(Process process, CancellationToken ct)
    {
        Assert.That(Interop.Kill(process.Id, 15), Is.Zero);
        await process.WaitForExitAsync(ct);
        Assert.That(process.ExitCode, Is.Zero, "SIGTERM stops the store gracefully");
    }

    /// <summary>Runs etcdctl (v3 API), retrying while the server comes up; fails the test when etcdctl is missing.</summary>
    private static async Task<string> EtcdctlAsync(string url, CancellationToken ct, params string[] args)
    {
        for (var attempt = 0; ; attempt++)
        {
            var start = new ProcessStartInfo("etcdctl") { RedirectStandardOutput = true, RedirectStandardError = true };
            start.Environment["ETCDCTL_API"] = "3";
            start.ArgumentList.Add("--endpoints=" + url);
            foreach (var arg in args)
            {
                start.ArgumentList.Add(arg);
            }

            Process process;
            try
            {
                process = Process.Start(start)!;
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                Assert.Fail($"etcdctl is required (apt-get install etcd-client): {e.Message}");
                throw;
            }

            using (process)
            {
                var stdout = await process.StandardOutput.ReadToEndAsync(ct);
                var stderr = await process.StandardError.ReadToEndAsync(ct);
                await process.WaitForExitAsync(ct);
                if (process.ExitCode == 0)
                {
                    return stdout;
                }

                if (attempt >= 50)
                {
                    Assert.Fail($"etcdctl {string.Join(' ', args)} failed: {stderr}");
                }
            }

            await Task.Delay(200, ct);
        }
    }

    private static class Interop
    {
        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        public static extern int Kill(int pid, int signal);
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
