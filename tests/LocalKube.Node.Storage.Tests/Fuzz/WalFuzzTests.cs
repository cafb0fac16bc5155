using Google.Protobuf;
using LocalKube.Node.Storage.Persistence;
using LocalKube.Node.Storage.Protocol;
using LocalKube.Node.Storage.Tests.Embedded;
using LocalKube.Testing;
using LocalKube.Testing.Fuzz;
using NUnit.Framework;
using static LocalKube.Testing.Fuzz.Mutations;

namespace LocalKube.Node.Storage.Tests.Fuzz;

/// <summary>
/// Corrupts a real store's files (WAL segments and snapshot: flipped bits, truncation, garbage, zeroed runs, and
/// record payloads changed behind a recomputed checksum) and opens it again. The open either fails with a clear
/// <see cref="InvalidDataException"/> naming the file, or comes up with exactly the state of some earlier revision
/// that keeps every record written before the first damaged byte: never a crash, never a skipped record.
/// </summary>
[TestFixture]
[Category("Fuzz")]
public sealed class WalFuzzTests
{
    private const int Cases = 250;

    private TempDirectory _template = null!;
    private readonly Dictionary<long, string> _states = [];
    private long _finalRevision;

    [OneTimeSetUp]
    public async Task WriteTemplateAsync()
    {
        _template = new TempDirectory("lk-walfz");
        var none = CancellationToken.None;
        await WriteHistoryAsync(none);

        // Then records that surely stay in the newest segment (no snapshot can rotate it away now), so a torn tail
        // there always has whole records before it: without them a run could see no "recovered-earlier" at all.
        await using var store = await OpenAsync(_template.Path, snapshotBytes: 1L << 30);
        for (var i = 0; i < 8; i++)
        {
            await store.PutAsync(new PutRequest { Key = B($"tail{i}"), Value = B(new string('t', 40 + i)) }, none);
            _states[store.Revision] = await StateAsync(store);
        }
    }

    // Puts, deletes, transactions and compactions, with a snapshot (and so a new segment) every few records.
    private async Task WriteHistoryAsync(CancellationToken none)
    {
        await using var store = await OpenAsync(_template.Path, snapshotBytes: 3_000);
        _states[store.Revision] = await StateAsync(store);
        var lease = (await store.LeaseGrantAsync(new LeaseGrantRequest { TTL = 3600 }, none)).ID;
        for (var i = 0; i < 60; i++)
        {
            switch (i % 6)
            {
                case 0 or 1 or 2:
                    await store.PutAsync(new PutRequest { Key = B($"k{i % 17}"), Value = B(new string('v', i * 7)), Lease = i % 5 == 0 ? lease : 0 }, none);
                    break;
                case 3:
                    await store.DeleteRangeAsync(new DeleteRangeRequest { Key = B($"k{(i + 3) % 17}") }, none);
                    break;
                case 4:
                    await store.TxnAsync(new TxnRequest
                    {
                        Compare = { new Compare { Key = B("k1"), Target = Compare.Types.CompareTarget.Version, Result = Compare.Types.CompareResult.Greater, Version = 0 } },
                        Success = { new RequestOp { RequestPut = new PutRequest { Key = B($"t{i}"), Value = B("t") } }, new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = B("k2") } } },
                        Failure = { new RequestOp { RequestPut = new PutRequest { Key = B($"f{i}"), Value = B("f") } } },
                    }, none);
                    break;
                default:
                    await store.CompactAsync(new CompactionRequest { Revision = store.Revision - 2 }, none);
                    break;
            }

            _states[store.Revision] = await StateAsync(store);
        }

        _finalRevision = store.Revision;
    }

    [OneTimeTearDown]
    public void RemoveTemplate() => _template.Dispose();

    [Test]
    public async Task Corrupt_files_give_a_clear_error_or_an_earlier_state_never_a_crash()
    {
        var files = Directory.GetFiles(_template.Path).Where(f => f.EndsWith(".log", StringComparison.Ordinal) || f.EndsWith(".snap", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
        Assert.That(files.Count(f => f.EndsWith(".snap", StringComparison.Ordinal)), Is.EqualTo(1), "the template has a snapshot");
        Assert.That(files.Count(f => f.EndsWith(".log", StringComparison.Ordinal)), Is.GreaterThanOrEqualTo(1));
        var gen = new FuzzGen<Corruption>(pcg => Corrupt(pcg, files), c => c.Data.Length);
        var report = await FuzzRun.RunAsync("wal", gen, CheckAsync, Cases, c => c.ToString());
        // Both kinds of outcome must occur, or the generator no longer reaches them (refusals with or without a fixed
        // checksum count alike).
        Assert.That(report.Outcomes.Keys, Has.Some.StartsWith("refused"));
        Assert.That(report.Outcomes.Keys, Has.Member("recovered-earlier"));
    }

    private async Task<string> CheckAsync(Corruption corruption)
    {
        using var dir = new TempDirectory("lk-walcase");
        foreach (var file in Directory.GetFiles(_template.Path))
        {
            File.Copy(file, Path.Combine(dir.Path, Path.GetFileName(file)));
        }

        var damaged = Path.Combine(dir.Path, corruption.File);
        await File.WriteAllBytesAsync(damaged, corruption.Data);
        EmbeddedKeyValueStore store;
        try
        {
            store = await OpenAsync(dir.Path);
        }
        catch (InvalidDataException e)
        {
            // A lost snapshot shows as the gap it leaves before the first segment.
            if (!e.Message.Contains(corruption.File, StringComparison.Ordinal) && !e.Message.Contains("WAL gap", StringComparison.Ordinal))
            {
                throw new AssertionException($"the error does not name the damaged file {corruption.File}: {e.Message}");
            }

            return corruption.ChecksumFixed ? "refused (bad payload)" : "refused";
        }

        await using (store)
        {
            var revision = store.Revision;
            var state = await StateAsync(store);
            if (!_states.TryGetValue(revision, out var expected) || expected != state)
            {
                if (corruption.ChecksumFixed)
                {
                    return "accepted changed payload"; // a record whose checksum holds is, to the store, what was written
                }

                throw new AssertionException($"recovered revision {revision} with a state no write produced:\n{state}\nexpected\n{expected}");
            }

            if (revision < corruption.KeepsAtLeast && !corruption.ChecksumFixed)
            {
                throw new AssertionException($"recovered revision {revision}, but every record up to revision {corruption.KeepsAtLeast} was before the damage");
            }

            // The store works after recovery.
            await store.PutAsync(new PutRequest { Key = B("after"), Value = B("ok") }, CancellationToken.None);
            return revision == _finalRevision ? "recovered-all" : "recovered-earlier";
        }
    }

    private Corruption Corrupt(CsCheck.PCG pcg, string[] files)
    {
        // Mostly the newest segment, where a crash leaves its damage.
        var path = Chance(pcg, 70) ? files.Last(f => f.EndsWith(".log", StringComparison.Ordinal)) : Pick(pcg, files);
        var name = Path.GetFileName(path);
        var original = File.ReadAllBytes(path);
        var records = WalFrames.Records(original);
        var isLastSegment = path == files.Last(f => f.EndsWith(".log", StringComparison.Ordinal));
        byte[] data;
        var fixedChecksum = false;
        string what;
        switch (Next(pcg, 5))
        {
            case 0 when records.Count > 0:
                // A payload changed behind a valid checksum: only the reader's own checks stand in the way.
                var (offset, length) = Pick(pcg, records);
                var payload = MutateBytes(pcg, original.AsSpan(offset + RecordFraming.HeaderSize, length).ToArray());
                if (payload.Length == 0)
                {
                    payload = [0x08];
                }

                data = WalFrames.Reframe(original, offset, length, payload);
                fixedChecksum = true;
                what = $"payload of the record at {offset} changed, checksum recomputed";
                break;
            case 1:
                var at = Next(pcg, original.Length + 1);
                data = original[..at];
                what = $"truncated at {at}";
                break;
            case 2 when original.Length > 0:
                var zero = Next(pcg, original.Length);
                data = (byte[])original.Clone();
                data.AsSpan(zero, Math.Min(data.Length - zero, 1 + Next(pcg, 64))).Clear();
                what = $"zeroed from {zero}";
                break;
            default:
                data = MutateBytes(pcg, original);
                what = "bytes mutated";
                break;
        }

        // Records that end before the first changed byte must survive, when the damage is in the newest segment.
        var firstChange = 0;
        while (firstChange < Math.Min(data.Length, original.Length) && data[firstChange] == original[firstChange])
        {
            firstChange++;
        }

        var keeps = 0L;
        if (isLastSegment)
        {
            foreach (var (offset, length) in records.Where(r => r.Offset + RecordFraming.HeaderSize + r.Length <= firstChange))
            {
                keeps = Math.Max(keeps, WireReader.ReadWalRecord(original.AsSpan(offset + RecordFraming.HeaderSize, length), new ValueArena()).Revision);
            }
        }

        return new Corruption(name, data, fixedChecksum, keeps, what);
    }

    private static Task<EmbeddedKeyValueStore> OpenAsync(string dir, long snapshotBytes = 64L << 20) =>
        EmbeddedKeyValueStore.OpenAsync(new StoreOptions { DataDirectory = dir, SnapshotThresholdBytes = snapshotBytes, LoggerFactory = new CapturingLoggerFactory() }, CancellationToken.None);

    private static async Task<string> StateAsync(EmbeddedKeyValueStore store)
    {
        var all = await store.RangeAsync(new RangeRequest { Key = ByteString.CopyFrom(0), RangeEnd = ByteString.CopyFrom(0) }, CancellationToken.None);
        return string.Join("\n", all.Kvs.Select(kv => $"{kv.Key.ToStringUtf8()}={kv.Value.Length}@{kv.CreateRevision}/{kv.ModRevision}/{kv.Version}/{kv.Lease}"));
    }

    private static ByteString B(string s) => ByteString.CopyFromUtf8(s);

    /// <summary>One damaged file.</summary>
    internal sealed record Corruption(string File, byte[] Data, bool ChecksumFixed, long KeepsAtLeast, string What)
    {
        public override string ToString() => $"{File}: {What} ({Data.Length} bytes; records up to revision {KeepsAtLeast} must survive)";
    }
}
