using Google.Protobuf;
using LocalKube.Node.Storage.Protocol;
using NUnit.Framework;
using EventType = LocalKube.Node.Storage.Protocol.Event.Types.EventType;
using Filter = LocalKube.Node.Storage.Protocol.WatchCreateRequest.Types.FilterType;

namespace LocalKube.Node.Storage.Tests.Conformance;

[TestFixture(TargetKind.Embedded)]
[TestFixture(TargetKind.EmbeddedGrpc)]
[TestFixture(TargetKind.Etcd)]
public sealed class WatchConformanceTests(TargetKind kind) : ConformanceTest(kind)
{
    /// <summary>Reads events until <paramref name="count"/> have arrived (or the deadline passes).</summary>
    private async Task<(WatchResponse Created, List<Event> Events)> CollectAsync(WatchCreateRequest request, int count, Func<Task>? afterCreated = null)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var events = new List<Event>();
        WatchResponse? created = null;
        await foreach (var response in Store.WatchAsync(request, cts.Token))
        {
            if (response.Created)
            {
                created = response;
                if (afterCreated is not null)
                {
                    await afterCreated();
                }

                continue;
            }

            Assert.That(response.Canceled, Is.False, response.ToString());
            events.AddRange(response.Events);
            if (events.Count >= count)
            {
                break;
            }
        }

        return (created!, events);
    }

    [Test]
    public async Task Watch_from_a_revision_replays_history_with_prev_kv_in_order()
    {
        var r1 = (await PutAsync("a", "1")).Header.Revision;
        await PutAsync("b", "1");
        await PutAsync("a", "2");
        await Store.DeleteRangeAsync(new DeleteRangeRequest { Key = K("b") }, None);
        var (created, events) = await CollectAsync(new WatchCreateRequest { Key = ByteString.CopyFromUtf8(Prefix), RangeEnd = PrefixEnd(), StartRevision = r1, PrevKv = true }, 4);
        Assert.Multiple(() =>
        {
            Assert.That(created.Created, Is.True);
            Assert.That(events.Select(e => (e.Type, Str(e.Kv.Key)[^1..])), Is.EqualTo(new[] { (EventType.Put, "a"), (EventType.Put, "b"), (EventType.Put, "a"), (EventType.Delete, "b") }));
            Assert.That(events.Select(e => e.Kv.ModRevision), Is.EqualTo(new[] { r1, r1 + 1, r1 + 2, r1 + 3 }));
            Assert.That(events[0].PrevKv, Is.Null);
            Assert.That(Str(events[2].PrevKv.Value), Is.EqualTo("1"));
            Assert.That(Str(events[3].PrevKv.Value), Is.EqualTo("1"));
            Assert.That(events[3].Kv.Version, Is.Zero);
            Assert.That(events[3].Kv.CreateRevision, Is.Zero);
        });
    }

    [Test]
    public async Task Watch_without_a_revision_starts_after_the_current_one()
    {
        await PutAsync("k", "before");
        var (_, events) = await CollectAsync(new WatchCreateRequest { Key = K("k") }, 1, () => PutAsync("k", "after"));
        Assert.That(events.Select(e => Str(e.Kv.Value)), Is.EqualTo(new[] { "after" }));
    }

    [Test]
    public async Task Noput_and_nodelete_filters_drop_those_events()
    {
        var r = (await PutAsync("k", "1")).Header.Revision;
        await Store.DeleteRangeAsync(new DeleteRangeRequest { Key = K("k") }, None);
        await PutAsync("k", "2");
        await Store.DeleteRangeAsync(new DeleteRangeRequest { Key = K("k") }, None);
        var (_, deletes) = await CollectAsync(new WatchCreateRequest { Key = K("k"), StartRevision = r, Filters = { Filter.Noput } }, 2);
        var (_, puts) = await CollectAsync(new WatchCreateRequest { Key = K("k"), StartRevision = r, Filters = { Filter.Nodelete } }, 2);
        Assert.That(deletes.Select(e => e.Type), Is.EqualTo(new[] { EventType.Delete, EventType.Delete }));
        Assert.That(puts.Select(e => Str(e.Kv.Value)), Is.EqualTo(new[] { "1", "2" }));
    }

    [Test]
    public async Task Concurrent_writes_arrive_in_revision_order_without_gaps_or_duplicates()
    {
        const int writers = 8;
        const int perWriter = 40;
        var (_, events) = await CollectAsync(
            new WatchCreateRequest { Key = ByteString.CopyFromUtf8(Prefix), RangeEnd = PrefixEnd() },
            writers * perWriter,
            () => Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
            {
                for (var i = 0; i < perWriter; i++)
                {
                    await PutAsync($"w{w}/{i % 5}", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
            }))));
        var revisions = events.Select(e => e.Kv.ModRevision).ToList();
        Assert.That(revisions, Has.Count.EqualTo(writers * perWriter));
        Assert.That(revisions, Is.Ordered.Ascending);
        Assert.That(revisions.Distinct().Count(), Is.EqualTo(revisions.Count));
    }

    [Test]
    public async Task Progress_notifications_arrive_on_an_idle_watch()
    {
        var revision = (await PutAsync("p", "1")).Header.Revision;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        WatchResponse? progress = null;
        await foreach (var response in Store.WatchAsync(new WatchCreateRequest { Key = K("idle"), ProgressNotify = true }, cts.Token))
        {
            if (!response.Created && response.Events.Count == 0)
            {
                progress = response;
                break;
            }
        }

        Assert.That(progress, Is.Not.Null);
        Assert.That(progress!.Header.Revision, Is.GreaterThanOrEqualTo(revision));
        Assert.That(progress.Canceled, Is.False);
    }

    [Test]
    public async Task An_empty_watch_range_is_canceled_at_creation()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var responses = new List<WatchResponse>();
        await foreach (var response in Store.WatchAsync(new WatchCreateRequest { Key = K("z"), RangeEnd = K("a") }, cts.Token))
        {
            responses.Add(response);
            if (response.Canceled)
            {
                break;
            }
        }

        Assert.That(responses[^1].Canceled, Is.True);
        Assert.That(responses[^1].CancelReason, Is.EqualTo("mvcc: watcher range is empty"));
    }

    [Test]
    public async Task Cancelling_a_watch_ends_it_and_writes_go_on()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var seen = new List<Event>();
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var watch = Task.Run(async () =>
        {
            await foreach (var response in Store.WatchAsync(new WatchCreateRequest { Key = K("c") }, cts.Token))
            {
                if (response.Created)
                {
                    first.TrySetResult();
                }

                seen.AddRange(response.Events);
                if (seen.Count > 0)
                {
                    break;
                }
            }
        });

        // The watch exists before the write, so the write is its one event; then cancelling ends it.
        await first.Task.WaitAsync(cts.Token);
        var put = await PutAsync("c", "1");
        await watch.WaitAsync(cts.Token);
        Assert.That(seen.Select(e => (e.Type, Str(e.Kv.Value), e.Kv.ModRevision)), Is.EqualTo(new[] { (Event.Types.EventType.Put, "1", put.Header.Revision) }));

        using var second = new CancellationTokenSource();
        var cancelled = Task.Run(async () =>
        {
            await foreach (var response in Store.WatchAsync(new WatchCreateRequest { Key = K("c") }, second.Token))
            {
                Assert.That(response.Events, Is.Empty, "nothing is written while it runs");
            }
        });
        await second.CancelAsync();
        Assert.That(async () => await cancelled, Throws.InstanceOf<OperationCanceledException>().Or.InstanceOf<Grpc.Core.RpcException>());
        await PutAsync("c", "2");
        Assert.That(Str((await GetAsync("c"))!.Value), Is.EqualTo("2"));
    }
}
