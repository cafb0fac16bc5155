using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using LocalKube.Node.Storage.Client;
using LocalKube.Node.Storage.Protocol;

namespace LocalKube.Storage.Bench;

/// <summary>Starts the two servers under test as child processes on 127.0.0.1, each with fsync on.</summary>
internal static class Servers
{
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static (Process Process, string Url) StartEtcd(string dataDir)
    {
        var client = FreePort();
        var peer = FreePort();
        var url = $"http://127.0.0.1:{client}";
        var peerUrl = $"http://127.0.0.1:{peer}";
        return (Start("etcd", [
            "--name", "bench", "--data-dir", dataDir,
            "--listen-client-urls", url, "--advertise-client-urls", url,
            "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
            "--initial-cluster", $"bench={peerUrl}", "--log-level", "error",
        ]), url);
    }

    public static (Process Process, string Url) StartLocalKube(string dataDir)
    {
        var url = $"http://127.0.0.1:{FreePort()}";

        // The product is the published agent (self-contained, ReadyToRun): `./build.sh --target=Publish` makes it.
        // Without it, fall back to the JIT-only test host so the bench still runs from a plain build.
        var agent = PublishedAgent();
        if (agent is not null)
        {
            return (Start(agent, ["storage", "--data-dir", dataDir, "--listen-client-urls", url]), url);
        }

        var host = Path.Combine(AppContext.BaseDirectory.Replace("bench/LocalKube.Storage.Bench", "tests/LocalKube.Node.Storage.TestHost", StringComparison.Ordinal), "LocalKube.Node.Storage.TestHost.dll");
        return (Start("dotnet", [host, "--data-dir", dataDir, "--listen-client-urls", url, "--auto-compaction-retention", "0"]), url);
    }

    /// <summary>artifacts/node/linux-x64/localkube-node of this checkout, or null when it was not published.</summary>
    public static string? PublishedAgent()
    {
        var root = AppContext.BaseDirectory;
        var cut = root.IndexOf("bench/LocalKube.Storage.Bench", StringComparison.Ordinal);
        var agent = cut < 0 ? null : Path.Combine(root[..cut], "artifacts", "node", "linux-x64", "localkube-node");
        return agent is not null && File.Exists(agent) ? agent : null;
    }

    private static Process Start(string file, string[] args)
    {
        var psi = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    /// <summary>
    /// Polls until the server answers a Range; returns the time that took. The port is probed with plain TCP first:
    /// a gRPC channel backs off for a second after a refused connection, which would hide the real start time.
    /// </summary>
    public static async Task<TimeSpan> WaitReadyAsync(string url, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        var uri = new Uri(url);
        while (true)
        {
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(uri.Host, uri.Port, ct);
                break;
            }
            catch (SocketException) when (sw.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(2, ct);
            }
        }

        while (true)
        {
            await using var client = EtcdClientKeyValueStore.Connect([uri]);
            try
            {
                await client.RangeAsync(new RangeRequest { Key = Google.Protobuf.ByteString.CopyFromUtf8("ready"), CountOnly = true }, ct);
                return sw.Elapsed;
            }
            catch (RpcException) when (sw.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(2, ct);
            }
        }
    }

    /// <summary>Resident set size of a process in MiB (from /proc).</summary>
    public static double RssMiB(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
            }
        }

        return double.NaN;
    }

    /// <summary>CPU time (user + system) a process has used so far, from /proc (clock ticks of 10 ms).</summary>
    public static TimeSpan CpuTime(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
        return TimeSpan.FromMilliseconds(ticks * 10);
    }

    public static async Task StopAsync(Process p)
    {
        if (!p.HasExited)
        {
            p.Kill();
            await p.WaitForExitAsync(CancellationToken.None);
        }

        p.Dispose();
    }
}
