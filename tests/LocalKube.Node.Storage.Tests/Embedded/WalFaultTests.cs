using System.Collections.Concurrent;
using Google.Protobuf;
using Grpc.Core;
using LocalKube.Node.Storage.Persistence;
using LocalKube.Node.Storage.Protocol;
using LocalKube.Testing;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace LocalKube.Node.Storage.Tests.Embedded;

/// <summary>
/// A fault at each step of the WAL (write, fsync, rotating the segment, writing, renaming and syncing a snapshot),
/// with one writer and with many: the affected writes fail with the reason, the store turns read-only and says so,
/// nothing hangs (writers, the agent's stop), and no acknowledged write is lost across a restart.
/// </summary>
public sealed class WalFaultTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    // Small enough that a snapshot (and so a rotation) comes every few dozen writes of 1 KiB.
    private const long SnapshotBytes = 16 * 1024;

    private static readonly ByteString Value = ByteString.CopyFrom(new byte[1024]);

    private static Task<EmbeddedKeyValueStore> OpenAsync(string dir, ILoggerFactory? logs = null, long snapshotBytes = SnapshotBytes) =>
        EmbeddedKeyValueStore.OpenAsync(new StoreOptions { DataDirectory = dir, SnapshotThresholdBytes = snapshotBytes, LoggerFactory = logs ?? new CapturingLoggerFactory() }, None);

    private static ByteString B(string s) => ByteString.CopyFromUtf8(s);

    [Test]
    [Combinatorial]
    public async Task A_fault_fails_the_affected_writes_turns_the_store_read_only_and_never_hangs(
        [Values("Write", "Fsync", "Rotate", "SnapshotWrite", "SnapshotRename", "DirectorySync")] string stepName,
        [Values(1, 8)] int writers)
    {
        var step = Enum.Parse<WalStep>(stepName);
        using var dir = new TempDirectory("lk-walfault");
        var logs = new CapturingLoggerFactory();
        var acknowledged = new ConcurrentBag<string>();
        var failures = new ConcurrentBag<RpcException>();
        await using (var store = await OpenAsync(dir.Path, logs))
        {
            await store.PutAsync(new PutRequest { Key = B("before"), Value = Value }, None);
            acknowledged.Add("before");
            store.Wal.FaultInjector = s => s == step ? new IOException($"injected fault at {step}") : null;

            var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(() => WriteUntilFailureAsync(store, $"w{w}-", acknowledged, failures))).ToArray();
            await WithinDeadline(Task.WhenAll(tasks), $"the writers did not all finish after a fault at {step}");

            Assert.That(failures, Has.Count.EqualTo(writers), "every writer saw its write fail");
            Assert.That(failures.Select(f => f.StatusCode), Is.All.EqualTo(StatusCode.Unavailable));
            Assert.That(failures.Select(f => f.Status.Detail), Is.All.StartWith("localkube: storage: write not durable:").And.All.Contains($"injected fault at {step}"));
            Assert.That(store.Wal.Failure, Does.Contain($"injected fault at {step}"));
            Assert.That(logs.Entries.Any(e => e.Level == LogLevel.Error && e.Message.Contains("read-only", StringComparison.Ordinal) && e.Message.Contains($"injected fault at {step}", StringComparison.Ordinal)),
                Is.True, "the reason is logged once, as an error");

            var late = Assert.ThrowsAsync<RpcException>(() => store.PutAsync(new PutRequest { Key = B("late"), Value = Value }, None));
            Assert.That(late!.StatusCode, Is.EqualTo(StatusCode.Unavailable), "read-only: later writes fail at once");
            var read = await store.RangeAsync(new RangeRequest { Key = B("before") }, None);
            Assert.That(read.Kvs, Has.Count.EqualTo(1), "reads keep working");

            // The agent's stop must not hang on a failed writer.
            await WithinDeadline(store.DisposeAsync().AsTask(), "the store did not stop");
        }

        await using (var reopened = await OpenAsync(dir.Path))
        {
            var keys = await KeysAsync(reopened);
            Assert.That(acknowledged.Except(keys), Is.Empty, "every acknowledged write survives the restart");
            Assert.That(keys, Does.Not.Contain("late"));
            await reopened.PutAsync(new PutRequest { Key = B("healed"), Value = Value }, None);
        }
    }

    [Test]
    public async Task A_flush_failing_while_a_snapshot_waits_for_it_fails_the_writes_instead_of_spinning()
    {
        // The hazard needs records queued after the snapshot's capture while the flush before it fails; with eight
        // writers that happens within a few rounds (each round a fresh store).
        for (var round = 0; round < 10; round++)
        {
            using var dir = new TempDirectory("lk-walpending");
            var acknowledged = new ConcurrentBag<string>();
            var failures = new ConcurrentBag<RpcException>();
            var raced = false;
            var store = await OpenAsync(dir.Path);
            store.Wal.FaultInjector = s =>
            {
                var pending = store.Wal.PendingSnapshotSeq;
                if (s != WalStep.Write || pending == 0)
                {
                    return null;
                }

                // Give the writers a moment to queue records behind the snapshot, then fail this flush.
                raced = SpinWait.SpinUntil(() => store.Wal.EnqueuedSeq > pending, TimeSpan.FromMilliseconds(200));
                return new IOException("injected fault with a snapshot pending");
            };

            var tasks = Enumerable.Range(0, 8).Select(w => Task.Run(() => WriteUntilFailureAsync(store, $"w{w}-", acknowledged, failures, limit: 20_000))).ToArray();
            await WithinDeadline(Task.WhenAll(tasks), "writers hung after a flush failed with a snapshot pending");
            Assert.That(failures, Has.Count.EqualTo(8));
            await WithinDeadline(store.DisposeAsync().AsTask(), "the store did not stop");
            if (raced)
            {
                return;
            }
        }

        Assert.Fail("no round had records queued behind the pending snapshot when the flush failed");
    }

    [Test]
    public async Task Writes_racing_the_stop_all_complete()
    {
        using var dir = new TempDirectory("lk-walstop");
        var store = await OpenAsync(dir.Path, snapshotBytes: 64L << 20);
        var stop = new CancellationTokenSource();
        var outcomes = new ConcurrentBag<string>();
        var tasks = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested || i < 10; i++)
            {
                try
                {
                    await store.PutAsync(new PutRequest { Key = B($"w{w}-{i}"), Value = Value }, None);
                    outcomes.Add("ok");
                }
                catch (Exception e) when (e is RpcException or ObjectDisposedException)
                {
                    outcomes.Add(e.GetType().Name);
                    return;
                }
            }
        })).ToArray();

        await Task.Delay(100);
        await stop.CancelAsync();
        await WithinDeadline(store.DisposeAsync().AsTask(), "the store did not stop");
        await WithinDeadline(Task.WhenAll(tasks), "a write that raced the stop never completed");
        Assert.That(outcomes, Does.Contain("ok"));
    }

    [Test]
    public async Task A_write_that_reaches_a_closed_writer_fails_instead_of_waiting_forever()
    {
        using var dir = new TempDirectory("lk-walclosed");
        await using var store = await OpenAsync(dir.Path);

        // The store's own stop closes the writer after refusing new calls; here the writer closes first, as when a
        // write slips in between.
        await store.Wal.DisposeAsync();
        var write = store.PutAsync(new PutRequest { Key = B("k"), Value = Value }, None);
        await WithinDeadline(Task.WhenAny(write), "the write never completed");
        var e = Assert.ThrowsAsync<RpcException>(() => write);
        Assert.That(e!.Status.Detail, Is.EqualTo("etcdserver: server stopped"));
    }

    [Test]
    public async Task A_failed_folder_sync_after_a_snapshot_keeps_the_wal_it_would_have_replaced()
    {
        using var dir = new TempDirectory("lk-walsync");
        var syncs = 0;
        var acknowledged = new ConcurrentBag<string>();
        var failures = new ConcurrentBag<RpcException>();
        await using (var store = await OpenAsync(dir.Path))
        {
            // The folder sync right after the snapshot's rename fails (a rotation's folder sync may come before it,
            // once or more, depending on how fast the writes arrive).
            store.Wal.FaultInjector = s =>
            {
                if (s == WalStep.SnapshotRename)
                {
                    Interlocked.Exchange(ref syncs, 1);
                    return null;
                }

                return s == WalStep.DirectorySync && Interlocked.Exchange(ref syncs, 0) == 1 ? new IOException("injected fault at the snapshot's folder sync") : null;
            };
            await WithinDeadline(WriteUntilFailureAsync(store, "k", acknowledged, failures), "the writer hung");
            Assert.That(Directory.GetFiles(dir.Path, "wal-*.log"), Has.Length.GreaterThanOrEqualTo(2), "no segment was deleted after a rename that may not be durable");
        }

        await using (var reopened = await OpenAsync(dir.Path))
        {
            Assert.That(acknowledged.Except(await KeysAsync(reopened)), Is.Empty);
        }
    }

    [Test]
    public async Task Damage_in_the_last_segment_larger_than_a_batch_stops_the_open_with_a_clear_message()
    {
        using var dir = new TempDirectory("lk-walcorrupt");
        var big = ByteString.CopyFrom(new byte[1024 * 1024]);
        await using (var store = await OpenAsync(dir.Path, snapshotBytes: 1L << 30))
        {
            for (var i = 0; i < 20; i++)
            {
                await store.PutAsync(new PutRequest { Key = B($"k{i}"), Value = big }, None);
            }
        }

        // Flip a byte in the first record: 20 MiB of good records follow it, more than any one write could tear.
        var wal = Directory.GetFiles(dir.Path, "wal-*.log").Single();
        var length = new FileInfo(wal).Length;
        await using (var file = new FileStream(wal, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = RecordFraming.HeaderSize + 2;
            var b = file.ReadByte();
            file.Position--;
            file.WriteByte((byte)(b ^ 0xff));
        }

        var e = Assert.ThrowsAsync<InvalidDataException>(() => OpenAsync(dir.Path));
        Assert.That(e!.Message, Does.Contain("is corrupt at offset 0").And.Contain("rather than a torn tail"));
        Assert.That(new FileInfo(wal).Length, Is.EqualTo(length), "nothing was truncated");
    }

    [Test]
    public async Task A_new_data_folder_gets_a_durable_identity()
    {
        using var dir = new TempDirectory("lk-member");
        ulong cluster;
        await using (var store = await OpenAsync(dir.Path))
        {
            cluster = store.ClusterId;
        }

        Assert.That(File.Exists(Path.Combine(dir.Path, "member.tmp")), Is.False);
        await using var again = await OpenAsync(dir.Path);
        Assert.That(again.ClusterId, Is.EqualTo(cluster));
    }

    private static async Task WriteUntilFailureAsync(EmbeddedKeyValueStore store, string prefix, ConcurrentBag<string> acknowledged, ConcurrentBag<RpcException> failures, int limit = 5_000)
    {
        for (var i = 0; i < limit; i++)
        {
            var key = $"{prefix}{i}";
            try
            {
                await store.PutAsync(new PutRequest { Key = B(key), Value = Value }, None);
                acknowledged.Add(key);
            }
            catch (RpcException e)
            {
                failures.Add(e);
                return;
            }
        }

        Assert.Fail($"{limit} writes went through; the fault never struck");
    }

    private static async Task<List<string>> KeysAsync(IKeyValueStore store) =>
        [.. (await store.RangeAsync(new RangeRequest { Key = B("\0"), RangeEnd = B("\0"), KeysOnly = true }, None)).Kvs.Select(k => k.Key.ToStringUtf8())];

    private static async Task WithinDeadline(Task task, string what)
    {
        if (await Task.WhenAny(task, Task.Delay(Deadline)) != task)
        {
            Assert.Fail($"{what} within {Deadline.TotalSeconds} s");
        }

        await task;
    }
}
