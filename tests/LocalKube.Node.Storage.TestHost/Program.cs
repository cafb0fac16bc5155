using System.Runtime.InteropServices;
using LocalKube.Node.Storage;

// Stand-in for `localkube-node storage` until the agent wires StorageServer.RunAsync: tests kill it with -9 and
// benchmarks measure it as a separate process, the way the agent will run.
// Usage: TestHost --data-dir DIR --listen-client-urls http://127.0.0.1:PORT [--auto-compaction-retention SECONDS]
string? dataDir = null;
var urls = "http://127.0.0.1:2379";
var retention = TimeSpan.FromMinutes(5);
for (var i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--data-dir":
            dataDir = args[i + 1];
            break;
        case "--listen-client-urls":
            urls = args[i + 1];
            break;
        case "--auto-compaction-retention":
            retention = TimeSpan.FromSeconds(double.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture));
            break;
    }
}

if (dataDir is null)
{
    await Console.Error.WriteLineAsync("--data-dir is required");
    return 2;
}

using var stop = new CancellationTokenSource();
using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx =>
{
    ctx.Cancel = true;
    stop.Cancel();
});
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx =>
{
    ctx.Cancel = true;
    stop.Cancel();
});
return await StorageServer.RunAsync(new StorageServerOptions { DataDirectory = dataDir, ListenClientUrls = urls, AutoCompactionRetention = retention }, stop.Token);
