using Google.Protobuf;

namespace LocalKube.Node.Storage.Leases;

/// <summary>
/// The granted leases and their keys. Not thread-safe: the owning store serialises access.
/// Like etcd 3.4 (lease checkpoints off), only grants and revocations are durable; keep-alives are not, so after a
/// restart every lease gets its full TTL again.
/// </summary>
internal sealed class LeaseTable
{
    /// <summary>etcd's minimum TTL with default election settings: ceil(1.5 × 1 s election timeout).</summary>
    public const long MinTtl = 2;

    private readonly Dictionary<long, LeaseEntry> _leases = new();

    public int Count => _leases.Count;

    public IEnumerable<LeaseEntry> All => _leases.Values;

    public LeaseEntry? Find(long id) => _leases.GetValueOrDefault(id);

    public LeaseEntry Grant(long id, long ttl, DateTimeOffset now)
    {
        var effective = Math.Max(ttl, MinTtl);
        var lease = new LeaseEntry(id, effective, now.AddSeconds(effective));
        _leases[id] = lease;
        return lease;
    }

    public bool Remove(long id) => _leases.Remove(id);

    public void Attach(long id, ByteString key)
    {
        if (id != 0 && _leases.TryGetValue(id, out var lease))
        {
            lease.Keys.Add(key);
        }
    }

    public void Detach(long id, ByteString key)
    {
        if (id != 0 && _leases.TryGetValue(id, out var lease))
        {
            lease.Keys.Remove(key);
        }
    }

    /// <summary>Leases whose time is up at <paramref name="now"/>.</summary>
    public List<long> Expired(DateTimeOffset now) =>
        [.. _leases.Values.Where(l => l.ExpiresAt <= now).Select(l => l.Id)];

    /// <summary>After a restart: every lease starts a full TTL from now, as etcd's lessor does on promotion.</summary>
    public void ResetExpiries(DateTimeOffset now)
    {
        foreach (var lease in _leases.Values)
        {
            lease.ExpiresAt = now.AddSeconds(lease.Ttl);
        }
    }
}
