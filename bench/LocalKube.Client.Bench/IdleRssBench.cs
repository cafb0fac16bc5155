using System.Diagnostics;
using System.Globalization;
using LocalKube.Node.Hosting;
using LocalKube.Node.Testing;
using LocalKube.Testing;

namespace LocalKube.Client.Bench;

/// <summary>
/// The agent as its own process (<c>localkube-node run</c>, simulated container runtime), idle on an empty cluster:
/// its VmRSS with the API server alone (every switchable component off) and with every component and its informers.
/// </summary>
internal static class IdleRssBench
{
    public static async Task<IEnumerable<(string, string)>> RunAsync(string agent, TimeSpan idle)
    {
        var alone = await MeasureAsync(agent, string.Join(',', DisabledComponents.Switchable.Select(c => c.Name)), idle);
        var all = await MeasureAsync(agent, null, idle);
        return
        [
            ("Agent idle RSS, store + API server alone (median of 10 samples)", Percentiles.Format(alone, "MiB")),
            ("Agent idle RSS, every component and its informers, empty cluster (median of 10 samples)", Percentiles.Format(all, "MiB")),
        ];
    }

    private static async Task<double> MeasureAsync(string agent, string? disable, TimeSpan idle)
    {
        using var dir = new TempDirectory("lk-clientbench");
        using var pki = new NodeTestPki();
        pki.WriteCertDir(dir.Combine("certs"), "bench");
        var port = TestAgent.FreePort();
        var info = new ProcessStartInfo(agent) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
        {
            "run", "--data-dir", dir.Combine("data"), "--cert-dir", dir.Combine("certs"), "--bind-address", "127.0.0.1",
            "--secure-port", port.ToString(CultureInfo.InvariantCulture), "--node-name", "bench", "--container-runtime", "simulated",
        })
        {
            info.ArgumentList.Add(arg);
        }

        if (disable is not null)
        {
            info.ArgumentList.Add("--extra-config");
            info.ArgumentList.Add("agent.disable=" + disable);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start localkube-node");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true })
            {
                BaseAddress = new Uri($"https://127.0.0.1:{port}"),
            };
            var started = Stopwatch.StartNew();
            string verbose = "";
            while (started.Elapsed < TimeSpan.FromSeconds(120))
            {
                try
                {
                    using var response = await http.GetAsync(new Uri("/readyz?verbose", UriKind.Relative));
                    verbose = await response.Content.ReadAsStringAsync();
                    if (response.IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                await Task.Delay(100);
            }

            Console.WriteLine($"agent ({(disable is null ? "all components" : "API server alone")}) ready after {started.ElapsedMilliseconds} ms:");
            Console.WriteLine(string.Join('\n', verbose.Split('\n').Where(l => l.StartsWith("[-]", StringComparison.Ordinal) || l.Contains("kubelet", StringComparison.Ordinal) || l.Contains("controllers", StringComparison.Ordinal) || l.Contains("scheduler", StringComparison.Ordinal))));
            await Task.Delay(idle);
            var samples = new List<double>();
            for (var i = 0; i < 10; i++)
            {
                samples.Add(RssMiB(process.Id));
                await Task.Delay(500);
            }

            Console.WriteLine($"RSS samples: {string.Join(", ", samples.Select(s => s.ToString("F1", CultureInfo.InvariantCulture)))} MiB");
            return Percentiles.Of(samples, 50);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static double RssMiB(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return double.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
    }
}
