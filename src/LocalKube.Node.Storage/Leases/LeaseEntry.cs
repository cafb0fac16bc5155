using Google.Protobuf;

namespace LocalKube.Node.Storage.Leases;

/// <summary>One granted lease: its TTL, when it expires, and the keys attached to it.</summary>
internal sealed class LeaseEntry(long id, long ttl, DateTimeOffset expiresAt)
{
    public long Id { get; } = id;

    /// <summary>The granted TTL in seconds (after etcd's minimum TTL adjustment).</summary>
    public long Ttl { get; } = ttl;

    public DateTimeOffset ExpiresAt { get; set; } = expiresAt;

    public HashSet<ByteString> Keys { get; } = [];

    /// <summary>Whole seconds left, truncated as etcd does; never negative.</summary>
    public long RemainingSeconds(DateTimeOffset now) => Math.Max(0, (long)(ExpiresAt - now).TotalSeconds);
}
