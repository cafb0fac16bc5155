using Google.Protobuf;
using LocalKube.Node.Storage.Protocol;
using NUnit.Framework;
using SortOrder = LocalKube.Node.Storage.Protocol.RangeRequest.Types.SortOrder;
using SortTarget = LocalKube.Node.Storage.Protocol.RangeRequest.Types.SortTarget;

namespace LocalKube.Node.Storage.Tests.Conformance;

[TestFixture(TargetKind.Embedded)]
[TestFixture(TargetKind.EmbeddedGrpc)]
[TestFixture(TargetKind.Etcd)]
public sealed class KvConformanceTests(TargetKind kind) : ConformanceTest(kind)
{
    [Test]
    public async Task Put_sets_create_and_mod_revision_and_version()
    {
        var first = await PutAsync("a", "1");
        var second = await PutAsync("a", "2");
        var kv = await GetAsync("a");
        Assert.Multiple(() =>
        {
            Assert.That(second.Header.Revision, Is.EqualTo(first.Header.Revision + 1));
            Assert.That(kv!.CreateRevision, Is.EqualTo(first.Header.Revision));
            Assert.That(kv.ModRevision, Is.EqualTo(second.Header.Revision));
            Assert.That(kv.Version, Is.EqualTo(2));
            Assert.That(Str(kv.Value), Is.EqualTo("2"));
            Assert.That(second.Header.ClusterId, Is.Not.Zero);
            Assert.That(second.Header.MemberId, Is.Not.Zero);
        });
    }

    [Test]
    public async Task Put_prev_kv_ignore_value_and_ignore_lease()
    {
        var lease = await Store.LeaseGrantAsync(new LeaseGrantRequest { TTL = 60 }, None);
        await PutAsync("k", "v1", lease.ID);
        var prev = await Store.PutAsync(new PutRequest { Key = K("k"), Value = V("v2"), PrevKv = true, IgnoreLease = true }, None);
        Assert.That(Str(prev.PrevKv.Value), Is.EqualTo("v1"));
        await Store.PutAsync(new PutRequest { Key = K("k"), IgnoreValue = true, Lease = 0 }, None);
        var kv = await GetAsync("k");
        Assert.Multiple(() =>
        {
            Assert.That(Str(kv!.Value), Is.EqualTo("v2"));
            Assert.That(kv.Lease, Is.Zero, "a plain put without ignore_lease detaches the lease");
            Assert.That(kv.Version, Is.EqualTo(3));
        });
        var none = await Store.PutAsync(new PutRequest { Key = K("fresh"), Value = V("x"), PrevKv = true }, None);
        Assert.That(none.PrevKv, Is.Null);
        await Store.LeaseRevokeAsync(new LeaseRevokeRequest { ID = lease.ID }, None);
    }

    [Test]
    public async Task Range_prefix_limit_more_and_count()
    {
        foreach (var name in new[] { "c", "a", "b", "d" })
        {
            await PutAsync(name, name);
        }

        var page = await Store.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8(Prefix), RangeEnd = PrefixEnd(), Limit = 2 }, None);
        Assert.Multiple(() =>
        {
            Assert.That(page.Kvs.Select(k => Str(k.Value)), Is.EqualTo(new[] { "a", "b" }));
            Assert.That(page.More, Is.True);
            Assert.That(page.Count, Is.EqualTo(4));
        });
        var all = await Store.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8(Prefix), RangeEnd = PrefixEnd(), Limit = 4 }, None);
        Assert.That(all.More, Is.False);
        var between = await Store.RangeAsync(new RangeRequest { Key = K("b"), RangeEnd = K("d") }, None);
        Assert.That(between.Kvs.Select(k => Str(k.Value)), Is.EqualTo(new[] { "b", "c" }));
    }

    [Test]
    public async Task Range_from_key_with_nul_end_reads_every_later_key()
    {
        await PutAsync("a", "a");
        await PutAsync("b", "b");
        var response = await Store.RangeAsync(new RangeRequest { Key = K("b"), RangeEnd = ByteString.CopyFrom(0), Limit = 1 }, None);
        Assert.That(response.Kvs.Select(k => Str(k.Key)), Is.EqualTo(new[] { Prefix + "b" }));
        Assert.That(response.Count, Is.GreaterThanOrEqualTo(1));
    }

    [Test]
    public async Task Range_count_only_and_keys_only()
    {
        await PutAsync("a", "1");
        await PutAsync("b", "2");
        var count = await Store.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8(Prefix), RangeEnd = PrefixEnd(), CountOnly = true }, None);
        Assert.That(count.Count, Is.EqualTo(2));
        Assert.That(count.Kvs, Is.Empty);
        var keys = await Store.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8(Prefix), RangeEnd = PrefixEnd(), KeysOnly = true }, None);
        Assert.That(keys.Kvs.Select(k => k.Value.Length), Is.EqualTo(new[] { 0, 0 }));
        Assert.That(keys.Kvs.Select(k => k.Version), Is.EqualTo(new[] { 1L, 1L }));
    }

    [Test]
    public async Task Range_at_a_past_revision_sees_the_past()
    {
        var r1 = (await PutAsync("k", "old")).Header.Revision;
        await PutAsync("k", "new");
        await Store.DeleteRangeAsync(new DeleteRangeRequest { Key = K("gone") }, None);
        await PutAsync("later", "x");
        Assert.That(Str((await GetAsync("k", r1))!.Value), Is.EqualTo("old"));
        Assert.That(await GetAsync("later", r1), Is.Null);
        var past = await ListAsync(r1);
        Assert.That(past.Count, Is.EqualTo(1));
        Assert.That(past.Header.Revision, Is.GreaterThan(r1), "the header carries the current revision, not the one read");
    }

    [Test]
    public async Task Range_sorts_by_every_target()
    {
        await PutAsync("a", "3");
        await PutAsync("b", "1");
        await PutAsync("c", "2");
        await PutAsync("b", "1b");
        async Task<string[]> Sorted(SortTarget target, SortOrder order) =>
            [.. (await Store.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8(Prefix), RangeEnd = PrefixEnd(), SortTarget = target, SortOrder = order }, None)).Kvs.Select(k => Str(k.Key)[^1..])];

        Assert.Multiple(async () =>
        {
            Assert.That(await Sorted(SortTarget.Key, SortOrder.Descend), Is.EqualTo(new[] { "c", "b", "a" }));
            Assert.That(await Sorted(SortTarget.Value, SortOrder.Ascend), Is.EqualTo(new[] { "b", "c", "a" }));
            Assert.That(await Sorted(SortTarget.Mod, SortOrder.Descend), Is.EqualTo(new[] { "b", "c", "a" }));
            Assert.That(await Sorted(SortTarget.Create, SortOrder.None), Is.EqualTo(new[] { "a", "b", "c" }), "another target sorts ascending by default");
            Assert.That(await Sorted(SortTarget.Version, SortOrder.Descend), Is.EqualTo(new[] { "b", "c", "a" }).Or.EqualTo(new[] { "b", "a", "c" }));
        });
    }

    [Test]
    public async Task Range_filters_on_mod_and_create_revision()
    {
        var ra = (await PutAsync("a", "1")).Header.Revision;
        var rb = (await PutAsync("b", "1")).Header.Revision;
        await PutAsync("c", "1");
        await PutAsync("a", "2");
        async Task<string[]> Filtered(RangeRequest r)
        {
            r.Key = ByteString.CopyFromUtf8(Prefix);
            r.RangeEnd = PrefixEnd();
            return [.. (await Store.RangeAsync(r, None)).Kvs.Select(k => Str(k.Key)[^1..])];
        }

        Assert.Multiple(async () =>
        {
            Assert.That(await Filtered(new RangeRequest { MinModRevision = rb + 1 }), Is.EqualTo(new[] { "a", "c" }));
            Assert.That(await Filtered(new RangeRequest { MaxModRevision = rb }), Is.EqualTo(new[] { "b" }));
            Assert.That(await Filtered(new RangeRequest { MinCreateRevision = rb }), Is.EqualTo(new[] { "b", "c" }));
            Assert.That(await Filtered(new RangeRequest { MaxCreateRevision = ra }), Is.EqualTo(new[] { "a" }));
            var limited = await Store.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8(Prefix), RangeEnd = PrefixEnd(), MinModRevision = rb, Limit = 1 }, None);
            Assert.That(limited.More, Is.True);
            Assert.That(limited.Count, Is.EqualTo(3), "count is taken before the filters");
        });
    }

    [Test]
    public async Task Inverted_range_reads_and_deletes_nothing()
    {
        await PutAsync("a", "1");
        await PutAsync("z", "1");
        var range = await Store.RangeAsync(new RangeRequest { Key = K("z"), RangeEnd = K("a") }, None);
        Assert.That(range.Kvs, Is.Empty);
        Assert.That(range.Count, Is.Zero);
        var before = await CurrentRevisionAsync();
        var deleted = await Store.DeleteRangeAsync(new DeleteRangeRequest { Key = K("z"), RangeEnd = K("a") }, None);
        Assert.That(deleted.Deleted, Is.Zero);
        Assert.That(deleted.Header.Revision, Is.EqualTo(before));
    }

    [Test]
    public async Task Delete_range_counts_returns_prev_kvs_and_takes_one_revision()
    {
        await PutAsync("a", "1");
        await PutAsync("b", "2");
        await PutAsync("c", "3");
        var response = await Store.DeleteRangeAsync(new DeleteRangeRequest { Key = K("a"), RangeEnd = K("c"), PrevKv = true }, None);
        Assert.Multiple(async () =>
        {
            Assert.That(response.Deleted, Is.EqualTo(2));
            Assert.That(response.PrevKvs.Select(k => Str(k.Value)), Is.EquivalentTo(new[] { "1", "2" }));
            Assert.That((await ListAsync()).Kvs.Select(k => Str(k.Value)), Is.EqualTo(new[] { "3" }));
            Assert.That(await CurrentRevisionAsync(), Is.EqualTo(response.Header.Revision));
        });
        var nothing = await Store.DeleteRangeAsync(new DeleteRangeRequest { Key = K("missing") }, None);
        Assert.That(nothing.Deleted, Is.Zero);
        Assert.That(nothing.Header.Revision, Is.EqualTo(response.Header.Revision), "deleting nothing does not bump the revision");
        await PutAsync("a", "again");
        var recreated = await GetAsync("a");
        Assert.That(recreated!.Version, Is.EqualTo(1));
        Assert.That(recreated.CreateRevision, Is.EqualTo(recreated.ModRevision));
    }
}
