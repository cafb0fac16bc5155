using Grpc.Core;
using LocalKube.Node.Storage.Protocol;
using NUnit.Framework;

namespace LocalKube.Node.Storage.Tests.Conformance;

[TestFixture(TargetKind.Embedded)]
[TestFixture(TargetKind.EmbeddedGrpc)]
[TestFixture(TargetKind.Etcd)]
public sealed class LeaseConformanceTests(TargetKind kind) : ConformanceTest(kind)
{
    [Test]
    public async Task Grant_keepalive_timetolive_and_revoke()
    {
        var grant = await Store.LeaseGrantAsync(new LeaseGrantRequest { TTL = 30 }, None);
        Assert.That(grant.ID, Is.Not.Zero);
        Assert.That(grant.TTL, Is.EqualTo(30));
        await PutAsync("a", "1", grant.ID);
        await PutAsync("b", "1", grant.ID);
        var ttl = await Store.LeaseTimeToLiveAsync(new LeaseTimeToLiveRequest { ID = grant.ID, Keys = true }, None);
        Assert.Multiple(() =>
        {
            Assert.That(ttl.GrantedTTL, Is.EqualTo(30));
            Assert.That(ttl.TTL, Is.InRange(25, 30));
            Assert.That(ttl.Keys.Select(Str).Order(), Is.EqualTo(new[] { Prefix + "a", Prefix + "b" }));
        });
        var alive = await Store.LeaseKeepAliveAsync(new LeaseKeepAliveRequest { ID = grant.ID }, None);
        Assert.That(alive.TTL, Is.EqualTo(30));
        var leases = await Store.LeaseLeasesAsync(new LeaseLeasesRequest(), None);
        Assert.That(leases.Leases.Select(l => l.ID), Does.Contain(grant.ID));
        var revoked = await Store.LeaseRevokeAsync(new LeaseRevokeRequest { ID = grant.ID }, None);
        var list = await ListAsync();
        Assert.That(list.Kvs, Is.Empty);
        Assert.That(revoked.Header.Revision, Is.EqualTo(list.Header.Revision), "both keys go in one revision");
        Assert.That((await Store.LeaseTimeToLiveAsync(new LeaseTimeToLiveRequest { ID = grant.ID }, None)).TTL, Is.EqualTo(-1));
    }

    [Test]
    public async Task A_tiny_ttl_is_raised_to_the_minimum_and_a_chosen_id_is_kept()
    {
        var id = Random.Shared.NextInt64(1, long.MaxValue);
        var grant = await Store.LeaseGrantAsync(new LeaseGrantRequest { ID = id, TTL = 1 }, None);
        Assert.That(grant.ID, Is.EqualTo(id));
        Assert.That(grant.TTL, Is.EqualTo(2));
        await FailsAsync(() => Store.LeaseGrantAsync(new LeaseGrantRequest { ID = id, TTL = 5 }, None), StatusCode.FailedPrecondition, "etcdserver: lease already exists");
        await Store.LeaseRevokeAsync(new LeaseRevokeRequest { ID = id }, None);
    }

    [Test]
    public async Task Unknown_leases_get_etcds_answers()
    {
        const long unknown = 0x5eed;
        await FailsAsync(() => Store.LeaseRevokeAsync(new LeaseRevokeRequest { ID = unknown }, None), StatusCode.NotFound, "etcdserver: requested lease not found");
        Assert.That((await Store.LeaseKeepAliveAsync(new LeaseKeepAliveRequest { ID = unknown }, None)).TTL, Is.Zero);
        Assert.That((await Store.LeaseTimeToLiveAsync(new LeaseTimeToLiveRequest { ID = unknown }, None)).TTL, Is.EqualTo(-1));
        await FailsAsync(() => Store.LeaseGrantAsync(new LeaseGrantRequest { TTL = 9_000_000_001 }, None), StatusCode.OutOfRange, "etcdserver: too large lease TTL");
    }

    [Test]
    public async Task Expiry_deletes_every_attached_key_in_one_revision()
    {
        var grant = await Store.LeaseGrantAsync(new LeaseGrantRequest { TTL = 2 }, None);
        var start = (await PutAsync("x", "1", grant.ID)).Header.Revision;
        await PutAsync("y", "1", grant.ID);
        await PutAsync("z", "stays");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var deletes = new List<Event>();
        await foreach (var response in Store.WatchAsync(new WatchCreateRequest { Key = Google.Protobuf.ByteString.CopyFromUtf8(Prefix), RangeEnd = PrefixEnd(), StartRevision = start }, cts.Token))
        {
            deletes.AddRange(response.Events.Where(e => e.Type == Event.Types.EventType.Delete));
            if (deletes.Count >= 2)
            {
                break;
            }
        }

        Assert.That(deletes.Select(e => Str(e.Kv.Key)[^1..]).Order(), Is.EqualTo(new[] { "x", "y" }));
        Assert.That(deletes.Select(e => e.Kv.ModRevision).Distinct().Count(), Is.EqualTo(1));
        Assert.That((await ListAsync()).Kvs.Select(k => Str(k.Value)), Is.EqualTo(new[] { "stays" }));
    }
}
