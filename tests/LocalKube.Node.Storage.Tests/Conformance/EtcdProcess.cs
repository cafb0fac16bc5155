using System.Diagnostics;
using Grpc.Core;
using LocalKube.Node.Storage.Client;
using LocalKube.Node.Storage.Protocol;
using LocalKube.Testing;
using NUnit.Framework;

namespace LocalKube.Node.Storage.Tests.Conformance;

/// <summary>
/// A real etcd 3.4 (Debian's etcd-server) on free 127.0.0.1 ports with a temporary data folder. Where etcd is
/// missing the tests are ignored on a developer machine but FAIL in CI (CI=true): never a silent skip there.
/// </summary>
public static class EtcdProcess
{
    public static string? FindBinary(string name = "etcd")
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(Path.PathSeparator).Append("/usr/bin"))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    public static void RequireInstalled(string name = "etcd")
    {
        if (FindBinary(name) is not null)
        {
            return;
        }

        var message = $"{name} is not installed (Debian: apt-get install etcd-server etcd-client)";
        if (DockerAvailability.IsCi)
        {
            Assert.Fail(message + "; CI must install it");
        }

        Assert.Ignore(message);
    }

    public static async Task<StoreTarget> StartTargetAsync(long? quotaBytes, CancellationToken ct)
    {
        RequireInstalled();
        var folder = new TempDirectory("lk-etcd");
        var (process, url) = await StartAsync(folder.Path, quotaBytes, ct);
        var client = EtcdClientKeyValueStore.Connect([new Uri(url)]);
        return new StoreTarget(TargetKind.Etcd, client, folder, async () =>
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            process.Dispose();
        }) { Url = url };
    }

    /// <summary>Starts etcd and waits until it answers Status; returns the process and its client URL.</summary>
    public static async Task<(Process Process, string Url)> StartAsync(string dataDir, long? quotaBytes, CancellationToken ct)
    {
        var client = Ports.Free();
        var peer = Ports.Free();
        var url = $"http://127.0.0.1:{client}";
        var peerUrl = $"http://127.0.0.1:{peer}";
        var psi = new ProcessStartInfo(FindBinary()!)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "--name", "default", "--data-dir", Path.Combine(dataDir, "etcd"),
            "--listen-client-urls", url, "--advertise-client-urls", url,
            "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
            "--initial-cluster", $"default={peerUrl}",
            "--experimental-watch-progress-notify-interval", $"{(int)Targets.ProgressInterval.TotalSeconds}s",
            "--quota-backend-bytes", (quotaBytes ?? 2L * 1024 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
        })
        {
            psi.ArgumentList.Add(arg);
        }

        var process = Process.Start(psi)!;

        // Drain its output so it never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var probe = EtcdClientKeyValueStore.Connect([new Uri(url)]);
        await using (probe)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                try
                {
                    await probe.StatusAsync(new StatusRequest(), ct);
                    return (process, url);
                }
                catch (RpcException) when (DateTime.UtcNow < deadline && !process.HasExited)
                {
                    await Task.Delay(100, ct);
                }
            }
        }
    }
}
