using LocalKube.Node.Storage.Client;
using LocalKube.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace LocalKube.Node.Storage.Tests.Conformance;

/// <summary>Our storage server in-process on a free 127.0.0.1 port, reached through the etcd client backend.</summary>
public static class GrpcTargets
{
    public static async Task<StoreTarget> StartEmbeddedServerAsync(long? quotaBytes, CancellationToken ct)
    {
        var folder = new TempDirectory("lk-grpc");
        var server = await StorageServer.StartAsync(new StorageServerOptions
        {
            DataDirectory = folder.Path,
            ListenClientUrls = "http://127.0.0.1:0",
            QuotaBackendBytes = quotaBytes ?? 2L * 1024 * 1024 * 1024,
            AutoCompactionRetention = TimeSpan.Zero,
            ProgressNotifyInterval = Targets.ProgressInterval,
            LoggerFactory = NullLoggerFactory.Instance,
        }, ct);
        var url = server.Urls[0].Replace("[::]", "127.0.0.1", StringComparison.Ordinal);
        var client = EtcdClientKeyValueStore.Connect([new Uri(url)]);
        return new StoreTarget(TargetKind.EmbeddedGrpc, client, folder, () => server.DisposeAsync()) { Url = url };
    }
}
