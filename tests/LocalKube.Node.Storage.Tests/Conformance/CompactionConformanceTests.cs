using Grpc.Core;
using LocalKube.Node.Storage.Protocol;
using NUnit.Framework;

namespace LocalKube.Node.Storage.Tests.Conformance;

[TestFixture(TargetKind.Embedded)]
[TestFixture(TargetKind.EmbeddedGrpc)]
[TestFixture(TargetKind.Etcd)]
public sealed class CompactionConformanceTests(TargetKind kind) : ConformanceTest(kind)
{
    [Test]
    public async Task Compaction_drops_history_before_the_revision_and_keeps_it_from_there()
    {
        var r1 = (await PutAsync("k", "1")).Header.Revision;
        var r2 = (await PutAsync("k", "2")).Header.Revision;
        await PutAsync("k", "3");
        var compacted = await Store.CompactAsync(new CompactionRequest { Revision = r2, Physical = true }, None);
        Assert.That(compacted.Header.Revision, Is.GreaterThan(r2));
        await FailsAsync(() => Store.RangeAsync(new RangeRequest { Key = K("k"), Revision = r1 }, None), StatusCode.OutOfRange, "etcdserver: mvcc: required revision has been compacted");
        Assert.That(Str((await GetAsync("k", r2))!.Value), Is.EqualTo("2"), "the compaction revision itself stays readable");
        Assert.That(Str((await GetAsync("k"))!.Value), Is.EqualTo("3"));
        await FailsAsync(() => Store.CompactAsync(new CompactionRequest { Revision = r2 }, None), StatusCode.OutOfRange, "etcdserver: mvcc: required revision has been compacted");
        await FailsAsync(() => Store.CompactAsync(new CompactionRequest { Revision = r1 }, None), StatusCode.OutOfRange, "etcdserver: mvcc: required revision has been compacted");
    }

    [Test]
    public async Task A_watch_from_a_compacted_revision_gets_the_compact_revision_and_is_canceled()
    {
        var r1 = (await PutAsync("w", "1")).Header.Revision;
        await PutAsync("w", "2");
        var r3 = (await PutAsync("w", "3")).Header.Revision;
        await Store.CompactAsync(new CompactionRequest { Revision = r3, Physical = true }, None);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var responses = new List<WatchResponse>();
        await foreach (var response in Store.WatchAsync(new WatchCreateRequest { Key = K("w"), StartRevision = r1 }, cts.Token))
        {
            responses.Add(response);
            if (response.Canceled)
            {
                break;
            }
        }

        var last = responses[^1];
        Assert.Multiple(() =>
        {
            Assert.That(last.Canceled, Is.True);
            Assert.That(last.CompactRevision, Is.EqualTo(r3));
            Assert.That(last.Events, Is.Empty);
        });
    }

    [Test]
    public async Task A_watch_at_exactly_the_compact_revision_replays_from_there_and_one_below_is_canceled()
    {
        var r1 = (await PutAsync("b", "1")).Header.Revision;
        var r2 = (await PutAsync("b", "2")).Header.Revision;
        var r3 = (await PutAsync("b", "3")).Header.Revision;
        await Store.CompactAsync(new CompactionRequest { Revision = r2, Physical = true }, None);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        var replayed = new List<long>();
        await foreach (var response in Store.WatchAsync(new WatchCreateRequest { Key = K("b"), StartRevision = r2 }, cts.Token))
        {
            Assert.That(response.Canceled, Is.False, "the compaction revision itself is still watchable");
            replayed.AddRange(response.Events.Select(e => e.Kv.ModRevision));
            if (replayed.Count >= 2)
            {
                break;
            }
        }

        Assert.That(replayed, Is.EqualTo(new[] { r2, r3 }));

        WatchResponse? last = null;
        await foreach (var response in Store.WatchAsync(new WatchCreateRequest { Key = K("b"), StartRevision = r1 }, cts.Token))
        {
            last = response;
            Assert.That(response.Events, Is.Empty, "no event may come from below the compaction point");
            if (response.Canceled)
            {
                break;
            }
        }

        Assert.That(last!.CompactRevision, Is.EqualTo(r2));
    }
}
