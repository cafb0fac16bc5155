using Google.Protobuf;
using LocalKube.Node.Storage.Persistence;
using LocalKube.Node.Storage.Protocol;
using LocalKube.Testing;
using NUnit.Framework;

namespace LocalKube.Node.Storage.Tests.Embedded;

/// <summary>
/// The damaged-but-checksummed files the WAL fuzz target found on fresh seeds (session 7), pinned by hand: each
/// must stop the open with an <see cref="InvalidDataException"/> naming the file, where the store used to crash
/// half-way through its index (InvalidOperationException, IndexOutOfRangeException).
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class RecoveryRegressionTests
{
    [Test]
    public async Task A_record_whose_revision_does_not_follow_stops_the_open_naming_the_segment()
    {
        using var dir = new TempDirectory("lk-recgap");
        await WriteAsync(dir.Path, snapshotBytes: 1L << 30);
        var segment = Directory.GetFiles(dir.Path, "*.log").Order(StringComparer.Ordinal).Last();
        var bytes = await File.ReadAllBytesAsync(segment);
        var records = WalFrames.Records(bytes);
        Assert.That(records, Has.Count.GreaterThanOrEqualTo(4));

        // The third record's payload replaced by the fourth's, its checksum recomputed: every frame is valid, but
        // the revisions now skip one.
        var (at, length) = records[2];
        var (nextAt, nextLength) = records[3];
        var damaged = WalFrames.Reframe(bytes, at, length, bytes.AsSpan(nextAt + RecordFraming.HeaderSize, nextLength).ToArray());
        await File.WriteAllBytesAsync(segment, damaged);

        var e = Assert.ThrowsAsync<InvalidDataException>(async () => await (await OpenAsync(dir.Path)).DisposeAsync())!;
        Assert.That(e.Message, Does.Contain(Path.GetFileName(segment)).And.Contain("does not follow revision"));
    }

    [TestCase(0L, 5L, "is impossible")]
    [TestCase(1L, 0L, "is newer than the snapshot's revision 1")]
    public async Task A_snapshot_that_contradicts_itself_stops_the_open_naming_it(long revisionDelta, long compactBeyond, string expected)
    {
        using var dir = new TempDirectory("lk-recsnap");
        await WriteAsync(dir.Path, snapshotBytes: 1_000);
        var snapshot = Directory.GetFiles(dir.Path, "*.snap").Single();
        var bytes = await File.ReadAllBytesAsync(snapshot);
        var (at, length) = WalFrames.Records(bytes)[0];
        var header = SnapshotHeader.Parser.ParseFrom(bytes.AsSpan(at + RecordFraming.HeaderSize, length));
        Assert.That(header.Revision, Is.GreaterThan(2), "the snapshot holds several revisions");

        // Either a compaction beyond the snapshot's own revision, or a revision older than the versions it holds.
        if (compactBeyond > 0)
        {
            header.CompactRevision = header.Revision + compactBeyond;
        }
        else
        {
            header.Revision = revisionDelta;
            header.CompactRevision = 0;
        }

        await File.WriteAllBytesAsync(snapshot, WalFrames.Reframe(bytes, at, length, header.ToByteArray()));

        var e = Assert.ThrowsAsync<InvalidDataException>(async () => await (await OpenAsync(dir.Path)).DisposeAsync())!;
        Assert.That(e.Message, Does.Contain(Path.GetFileName(snapshot)).And.Contain(expected));
    }

    private static async Task WriteAsync(string dir, long snapshotBytes)
    {
        await using var store = await OpenAsync(dir, snapshotBytes);
        for (var i = 0; i < 12; i++)
        {
            await store.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8($"k{i % 5}"), Value = ByteString.CopyFromUtf8(new string('v', 100 + i)) }, CancellationToken.None);
        }
    }

    private static Task<EmbeddedKeyValueStore> OpenAsync(string dir, long snapshotBytes = 64L << 20) =>
        EmbeddedKeyValueStore.OpenAsync(new StoreOptions { DataDirectory = dir, SnapshotThresholdBytes = snapshotBytes, LoggerFactory = new CapturingLoggerFactory() }, CancellationToken.None);
}
