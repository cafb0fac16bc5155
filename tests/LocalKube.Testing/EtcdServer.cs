using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NUnit.Framework;

namespace LocalKube.Testing;

/// <summary>
/// A real etcd 3.4 (Debian's etcd-server) on free 127.0.0.1 ports with a temporary data folder, for running the API
/// suites (in-process and E2E) against the etcd backend. Missing etcd: ignored on a developer machine, a FAILURE in CI (CI=true).
/// </summary>
public sealed class EtcdServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TempDirectory _dir;

    private EtcdServer(Process process, TempDirectory dir, string url)
    {
        _process = process;
        _dir = dir;
        Url = url;
    }

    public string Url { get; }

    public static async Task<EtcdServer> StartAsync(CancellationToken cancellationToken)
    {
        var binary = new[] { "/usr/bin/etcd", "/usr/local/bin/etcd" }.FirstOrDefault(File.Exists);
        if (binary is null)
        {
            const string message = "etcd is not installed (Debian: apt-get install etcd-server)";
            if (DockerAvailability.IsCi)
            {
                Assert.Fail(message + "; CI must install it");
            }

            Assert.Ignore(message);
        }

        var dir = new TempDirectory("lk-etcd");
        var url = $"http://127.0.0.1:{FreeTcpPort.Get()}";
        var peer = $"http://127.0.0.1:{FreeTcpPort.Get()}";
        var start = new ProcessStartInfo(binary!) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[]
        {
            "--name", "default", "--data-dir", dir.Combine("etcd"), "--listen-client-urls", url, "--advertise-client-urls", url,
            "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer, "--initial-cluster", $"default={peer}",
        })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new EtcdServer(process, dir, url);

        // Ready when the client port accepts connections; the agent's storage component retries until etcd answers.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var port = new Uri(url).Port;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return server;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(50, cancellationToken);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync(CancellationToken.None);
        _process.Dispose();
        _dir.Dispose();
    }
}
