using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Storage;

/// <summary>Settings of <c>localkube-node storage</c>: the embedded store served over etcd's gRPC API.</summary>
public sealed class StorageServerOptions
{
    /// <summary>Folder of the store (--data-dir).</summary>
    public required string DataDirectory { get; init; }

    /// <summary>
    /// Comma-separated <c>http://HOST:PORT</c> URLs (--listen-client-urls); HTTP/2 without TLS. Port 0 picks a free
    /// port (see <see cref="RunningStorageServer.Urls"/>). Default: etcd's <c>http://127.0.0.1:2379</c>.
    /// </summary>
    public string ListenClientUrls { get; init; } = "http://127.0.0.1:2379";

    public long QuotaBackendBytes { get; init; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Periodic compaction window; 5 minutes like the API server's compaction. Zero turns it off.</summary>
    public TimeSpan AutoCompactionRetention { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan ProgressNotifyInterval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Where logs go; null means the console at Information level.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>The store settings these server settings imply.</summary>
    public StoreOptions ToStoreOptions(ILoggerFactory loggerFactory) => new()
    {
        DataDirectory = DataDirectory,
        QuotaBackendBytes = QuotaBackendBytes,
        AutoCompactionRetention = AutoCompactionRetention,
        ProgressNotifyInterval = ProgressNotifyInterval,
        LoggerFactory = loggerFactory,
    };
}
