using Google.Protobuf;
using Grpc.Core;
using LocalKube.Node.Storage.Protocol;
using LocalKube.Testing;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace LocalKube.Node.Storage.Tests.Embedded;

/// <summary>Restart, torn tail, failing disk, snapshots and space reclaim of the embedded store.</summary>
public sealed class DurabilityTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static ByteString B(string s) => ByteString.CopyFromUtf8(s);

    private static Task<EmbeddedKeyValueStore> OpenAsync(string dir, ILoggerFactory? logs = null, long snapshotBytes = 64L << 20) =>
        EmbeddedKeyValueStore.OpenAsync(new StoreOptions { DataDirectory = dir, SnapshotThresholdBytes = snapshotBytes, LoggerFactory = logs ?? new CapturingLoggerFactory() }, None);

    private static async Task<string?> ValueAsync(IKeyValueStore store, string key, long revision = 0) =>
        (await store.RangeAsync(new RangeRequest { Key = B(key), Revision = revision }, None)).Kvs.SingleOrDefault()?.Value.ToStringUtf8();

    [Test]
    public async Task Everything_comes_back_after_a_restart()
    {
        using var dir = new TempDirectory("lk-dur");
        long leaseId;
        long before;
        long r1;
        await using (var store = await OpenAsync(dir.Path))
        {
            r1 = (await store.PutAsync(new PutRequest { Key = B("a"), Value = B("1") }, None)).Header.Revision;
            await store.PutAsync(new PutRequest { Key = B("a"), Value = B("2") }, None);
            leaseId = (await store.LeaseGrantAsync(new LeaseGrantRequest { TTL = 100 }, None)).ID;
            await store.PutAsync(new PutRequest { Key = B("leased"), Value = B("x"), Lease = leaseId }, None);
            await store.TxnAsync(new TxnRequest { Success = { new RequestOp { RequestPut = new PutRequest { Key = B("t1"), Value = B("t") } }, new RequestOp { RequestPut = new PutRequest { Key = B("t2"), Value = B("t") } } } }, None);
            await store.DeleteRangeAsync(new DeleteRangeRequest { Key = B("t2") }, None);
            await store.CompactAsync(new CompactionRequest { Revision = r1 + 1 }, None);
            before = store.Revision;
        }

        await using (var store = await OpenAsync(dir.Path))
        {
            Assert.Multiple(async () =>
            {
                Assert.That(store.Revision, Is.EqualTo(before));
                Assert.That(await ValueAsync(store, "a"), Is.EqualTo("2"));
                Assert.That(await ValueAsync(store, "t1"), Is.EqualTo("t"));
                Assert.That(await ValueAsync(store, "t2"), Is.Null);
                Assert.That(await ValueAsync(store, "a", r1 + 1), Is.EqualTo("2"));
                var ttl = await store.LeaseTimeToLiveAsync(new LeaseTimeToLiveRequest { ID = leaseId, Keys = true }, None);
                Assert.That(ttl.GrantedTTL, Is.EqualTo(100));
                Assert.That(ttl.TTL, Is.InRange(99, 100), "etcd gives every lease its full TTL after a restart");
                Assert.That(ttl.Keys.Select(k => k.ToStringUtf8()), Is.EqualTo(new[] { "leased" }));
            });
            var e = Assert.ThrowsAsync<RpcException>(() => store.RangeAsync(new RangeRequest { Key = B("a"), Revision = r1 }, None));
            Assert.That(e!.Status.Detail, Is.EqualTo("etcdserver: mvcc: required revision has been compacted"));
            var next = await store.PutAsync(new PutRequest { Key = B("n"), Value = B("1") }, None);
            Assert.That(next.Header.Revision, Is.EqualTo(before + 1));
        }
    }

    [Test]
    public async Task A_torn_tail_is_cut_off_logged_and_the_store_comes_up()
    {
        using var dir = new TempDirectory("lk-torn");
        await using (var store = await OpenAsync(dir.Path))
        {
            for (var i = 0; i < 10; i++)
            {
                await store.PutAsync(new PutRequest { Key = B($"k{i}"), Value = B("v") }, None);
            }
        }

        var wal = Directory.GetFiles(dir.Path, "wal-*.log").Single();
        var good = new FileInfo(wal).Length;
        await using (var file = new FileStream(wal, FileMode.Append))
        {
            // A record header that promises 100 bytes, followed by only 7: a write cut short by a crash.
            file.Write([100, 0, 0, 0, 1, 2, 3, 4, 9, 9, 9, 9, 9, 9, 9]);
        }

        var logs = new CapturingLoggerFactory();
        await using (var store = await OpenAsync(dir.Path, logs))
        {
            Assert.That(store.Revision, Is.EqualTo(11));
            Assert.That(await ValueAsync(store, "k9"), Is.EqualTo("v"));
            Assert.That(logs.Entries.Any(e => e.Level == LogLevel.Warning && e.Message.Contains("Torn WAL tail", StringComparison.Ordinal) && e.Message.Contains("dropped 15 bytes", StringComparison.Ordinal)), Is.True, string.Join("\n", logs.Entries));
            Assert.That(new FileInfo(wal).Length, Is.EqualTo(good));
            await store.PutAsync(new PutRequest { Key = B("after"), Value = B("ok") }, None);
        }

        // Flip one byte in the last record: its checksum fails, so that record (and only it) is dropped.
        var bytes = await File.ReadAllBytesAsync(wal);
        bytes[^2] ^= 0xff;
        await File.WriteAllBytesAsync(wal, bytes);
        await using (var store = await OpenAsync(dir.Path))
        {
            Assert.That(store.Revision, Is.EqualTo(11));
            Assert.That(await ValueAsync(store, "after"), Is.Null);
            Assert.That(await ValueAsync(store, "k0"), Is.EqualTo("v"));
        }
    }

    [Test]
    public async Task A_failing_disk_fails_writes_clearly_keeps_reads_and_corrupts_nothing()
    {
        using var dir = new TempDirectory("lk-full");
        await using (var store = await OpenAsync(dir.Path))
        {
            await store.PutAsync(new PutRequest { Key = B("safe"), Value = B("1") }, None);
            store.Wal.FaultInjector = _ => new IOException("No space left on device");
            var e = Assert.ThrowsAsync<RpcException>(() => store.PutAsync(new PutRequest { Key = B("lost"), Value = B("1") }, None));
            Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.Unavailable));
            Assert.That(e.Status.Detail, Does.Contain("No space left on device"));
            var again = Assert.ThrowsAsync<RpcException>(() => store.PutAsync(new PutRequest { Key = B("later"), Value = B("1") }, None));
            Assert.That(again!.StatusCode, Is.EqualTo(StatusCode.Unavailable));
            Assert.That(await ValueAsync(store, "safe"), Is.EqualTo("1"));
            Assert.That(await ValueAsync(store, "lost"), Is.Null, "a write that never became durable is never visible");
        }

        await using (var store = await OpenAsync(dir.Path))
        {
            Assert.That(await ValueAsync(store, "safe"), Is.EqualTo("1"));
            Assert.That(await ValueAsync(store, "lost"), Is.Null);
            await store.PutAsync(new PutRequest { Key = B("healed"), Value = B("1") }, None);
            Assert.That(store.Revision, Is.EqualTo(3));
        }
    }

    [Test]
    public async Task Snapshots_roll_the_wal_and_compaction_gives_space_back()
    {
        using var dir = new TempDirectory("lk-snap");
        var value = ByteString.CopyFrom(new byte[1024]);
        long revision;
        await using (var store = await OpenAsync(dir.Path, snapshotBytes: 256 * 1024))
        {
            for (var i = 0; i < 600; i++)
            {
                await store.PutAsync(new PutRequest { Key = B($"k{i % 10}"), Value = value }, None);
            }

            var before = (await store.StatusAsync(new StatusRequest(), None)).DbSize;
            Assert.That(Directory.GetFiles(dir.Path, "snap-*.snap"), Is.Not.Empty, "the WAL passed the threshold, so a snapshot was written");
            await store.CompactAsync(new CompactionRequest { Revision = store.Revision }, None);
            long after = before;
            for (var i = 0; i < 100 && after >= before / 4; i++)
            {
                await Task.Delay(50);
                after = (await store.StatusAsync(new StatusRequest(), None)).DbSize;
            }

            Assert.That(after, Is.LessThan(before / 4), $"db size {before} -> {after}");
            Assert.That(Directory.GetFiles(dir.Path, "wal-*.log"), Has.Length.EqualTo(1));
            revision = store.Revision;
        }

        await using (var store = await OpenAsync(dir.Path))
        {
            Assert.That(store.Revision, Is.EqualTo(revision));
            var all = await store.RangeAsync(new RangeRequest { Key = B("k"), RangeEnd = B("l") }, None);
            Assert.That(all.Count, Is.EqualTo(10));
            Assert.That(all.Kvs.Select(k => k.Version), Is.All.EqualTo(60));
        }
    }
}
