using System.Diagnostics;
using Grpc.Core;
using LocalKube.Node.Storage.Client;
using LocalKube.Node.Storage.Protocol;
using LocalKube.Node.Storage.Tests.Conformance;

namespace LocalKube.Node.Storage.Tests.Crash;

/// <summary>Our storage server as a child process (the test host), so a test can kill it with SIGKILL.</summary>
public sealed class StorageHostProcess : IAsyncDisposable
{
    private readonly System.Diagnostics.Process _process;

    private StorageHostProcess(System.Diagnostics.Process process, string url)
    {
        _process = process;
        Url = url;
    }

    public string Url { get; }

    public int Pid => _process.Id;

    public static string HostDll()
    {
        var here = AppContext.BaseDirectory;
        var path = Path.GetFullPath(here.Replace("LocalKube.Node.Storage.Tests", "LocalKube.Node.Storage.TestHost", StringComparison.Ordinal));
        return Path.Combine(path, "LocalKube.Node.Storage.TestHost.dll");
    }

    public static async Task<StorageHostProcess> StartAsync(string dataDir, CancellationToken ct)
    {
        var url = $"http://127.0.0.1:{Ports.Free()}";
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { HostDll(), "--data-dir", dataDir, "--listen-client-urls", url, "--auto-compaction-retention", "0" })
        {
            psi.ArgumentList.Add(arg);
        }

        var process = System.Diagnostics.Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var host = new StorageHostProcess(process, url);
        await using var probe = EtcdClientKeyValueStore.Connect([new Uri(url)]);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                await probe.StatusAsync(new StatusRequest(), ct);
                return host;
            }
            catch (RpcException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(50, ct);
            }
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, exactly like a power cut for the process.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }
}
