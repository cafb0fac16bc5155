using Google.Protobuf;
using LocalKube.Node.Storage.Protocol;
using LocalKube.Testing;
using NUnit.Framework;

namespace LocalKube.Node.Storage.Tests.Embedded;

/// <summary>
/// The documented slow-watcher policy: a watcher that does not read never holds writers up, and when compaction
/// overtakes it, it gets the compacted response (like an unsynced etcd watcher) instead of silently losing events.
/// </summary>
public sealed class WatchBackpressureTests
{
    [Test]
    public async Task A_stalled_watcher_never_blocks_writers_and_is_canceled_when_compaction_passes_it()
    {
        using var dir = new TempDirectory("lk-slow");
        await using var store = await EmbeddedKeyValueStore.OpenAsync(new StoreOptions { DataDirectory = dir.Path }, CancellationToken.None);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var watch = store.WatchAsync(new WatchCreateRequest { Key = ByteString.CopyFromUtf8("k"), RangeEnd = ByteString.CopyFromUtf8("l") }, cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.That(await watch.MoveNextAsync(), Is.True);
        Assert.That(watch.Current.Created, Is.True);

        // The watcher reads nothing while 2,000 writes go through: none of them waits for it.
        var writes = Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 250; i++)
            {
                await store.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8($"k{w}-{i % 10}"), Value = ByteString.CopyFromUtf8("v") }, CancellationToken.None);
            }
        })));
        await writes.WaitAsync(TimeSpan.FromSeconds(20));
        var current = store.Revision;
        await store.CompactAsync(new CompactionRequest { Revision = current }, CancellationToken.None);

        Assert.That(await watch.MoveNextAsync(), Is.True);
        Assert.That(watch.Current.Canceled, Is.True);
        Assert.That(watch.Current.CompactRevision, Is.EqualTo(current));
        Assert.That(await watch.MoveNextAsync(), Is.False);
    }

    [Test]
    public async Task A_slow_watcher_that_keeps_up_with_history_misses_nothing()
    {
        using var dir = new TempDirectory("lk-slow2");
        await using var store = await EmbeddedKeyValueStore.OpenAsync(new StoreOptions { DataDirectory = dir.Path }, CancellationToken.None);
        for (var i = 0; i < 3000; i++)
        {
            await store.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8("k"), Value = ByteString.CopyFromUtf8(i.ToString(System.Globalization.CultureInfo.InvariantCulture)) }, CancellationToken.None);
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var revisions = new List<long>();
        await foreach (var response in store.WatchAsync(new WatchCreateRequest { Key = ByteString.CopyFromUtf8("k"), StartRevision = 2 }, cts.Token))
        {
            revisions.AddRange(response.Events.Select(e => e.Kv.ModRevision));
            Assert.That(response.Events, Has.Count.LessThanOrEqualTo(1000), "catch-up comes in bounded batches");
            if (revisions.Count == 3000)
            {
                break;
            }
        }

        Assert.That(revisions, Is.EqualTo(Enumerable.Range(2, 3000).Select(r => (long)r)));
    }
}
