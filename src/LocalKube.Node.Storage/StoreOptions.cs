using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LocalKube.Node.Storage;

/// <summary>Settings of the embedded store. Defaults follow etcd's.</summary>
public sealed class StoreOptions
{
    /// <summary>Folder for the WAL and snapshots (created when missing).</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Backend quota (etcd's --quota-backend-bytes); writes past it raise the NOSPACE alarm.</summary>
    public long QuotaBackendBytes { get; init; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Largest request accepted (etcd's --max-request-bytes, 1.5 MiB).</summary>
    public int MaxRequestBytes { get; init; } = 1572864;

    /// <summary>
    /// Periodic compaction keeps this much history (etcd's --auto-compaction-mode=periodic). Zero turns it off,
    /// which is etcd's default; the storage server turns on a 5-minute window like the API server's.
    /// </summary>
    public TimeSpan AutoCompactionRetention { get; init; } = TimeSpan.Zero;

    /// <summary>How often watches that asked for it get a progress notification (etcd's default is 10 minutes).</summary>
    public TimeSpan ProgressNotifyInterval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>WAL bytes after which the store writes a snapshot and starts a new WAL.</summary>
    public long SnapshotThresholdBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>How often expired leases are looked for (etcd checks every 500 ms).</summary>
    public TimeSpan LeaseCheckInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;
}
