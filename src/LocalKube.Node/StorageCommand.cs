using System.CommandLine;
using System.Runtime.InteropServices;
using LocalKube.Node.Hosting;
using LocalKube.Node.Storage;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node;

/// <summary>
/// <c>localkube-node storage</c>: the embedded store alone, serving etcd's v3 gRPC API like <c>etcd</c> does, so
/// <c>etcdctl</c> and any etcd client can use it. SIGTERM or Ctrl+C stops it gracefully (exit 0).
/// </summary>
internal static class StorageCommand
{
    public static Command Create()
    {
        var dataDir = new Option<string>("--data-dir") { Description = "Store folder", Required = true };
        var listen = new Option<string>("--listen-client-urls") { Description = "http://127.0.0.1:PORT[,...] to serve the etcd v3 API on", Required = true };
        var quota = new Option<long>("--quota-backend-bytes") { Description = "Backend quota; writes past it fail with etcd's NOSPACE", DefaultValueFactory = _ => 2L * 1024 * 1024 * 1024 };
        listen.Validators.Add(result =>
        {
            foreach (var url in (result.GetValueOrDefault<string>() ?? "").Split(',', StringSplitOptions.TrimEntries))
            {
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp || uri.Port <= 0 || uri.AbsolutePath != "/")
                {
                    result.AddError($"--listen-client-urls '{url}' must look like http://127.0.0.1:PORT");
                }
            }
        });

        var command = new Command("storage", "Run only the embedded etcd-compatible store") { dataDir, listen, quota };
        command.SetAction(async (result, _) =>
        {
            // Program turns System.CommandLine's signal handling off (the agent's host owns it), so own it here.
            using var stop = new CancellationTokenSource();
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
            // ASP.NET Core logs four lines per request at Information; on a store serving thousands of calls a second
            // that console output would cost more than the calls themselves.
            using var logging = LoggerFactory.Create(b => b
                .AddSimpleConsole(o => o.SingleLine = true)
                .SetMinimumLevel(LogLevel.Information)
                .AddFilter("Microsoft.AspNetCore", LogLevel.Warning));
            var options = new StorageServerOptions
            {
                DataDirectory = result.GetValue(dataDir)!,
                ListenClientUrls = result.GetValue(listen)!,
                QuotaBackendBytes = result.GetValue(quota),
                LoggerFactory = logging,
            };
            var code = await StorageServer.RunAsync(options, stop.Token);
            return code == 0 ? NodeExitStatus.Success : code;

            void Stop(PosixSignalContext context)
            {
                context.Cancel = true;
                stop.Cancel();
            }
        });
        return command;
    }
}
