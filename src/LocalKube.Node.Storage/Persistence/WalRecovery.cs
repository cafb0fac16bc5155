using LocalKube.Node.Storage.Protocol;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Storage.Persistence;

/// <summary>
/// Rebuilds the store at open: the newest whole snapshot, then every WAL record after it. A torn or corrupt record
/// at the end of the last segment is the tail of a write that was never acknowledged: the segment is truncated
/// there and the loss is logged. A crash can tear at most the one batch being written, so more damaged bytes than a
/// batch holds, or damage anywhere else, is real corruption and stops the open.
/// </summary>
internal static class WalRecovery
{
    public sealed record Result(long LastSeq, string? LastSegment, long LastSegmentLength, long SnapshotBytes, long WalBytes, long Replayed, TimeSpan SnapshotTime, TimeSpan ReplayTime);

    public static Result Run(
        string directory,
        ILogger logger,
        Action<SnapshotHeader, List<KeyValue>> onSnapshot,
        Action<WalRecord> onRecord)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        // A snapshot cut short by a crash is never used; the WAL it would have replaced is still there.
        foreach (var stale in Directory.GetFiles(directory, SnapshotFile.Prefix + "*" + SnapshotFile.Suffix + ".tmp"))
        {
            logger.LogWarning("Removing unfinished snapshot {Path}", stale);
            try
            {
                File.Delete(stale);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A read-only folder: the file is ignored anyway.
            }
        }

        var arena = new ValueArena();
        long snapshotSeq = 0;
        long snapshotBytes = 0;
        foreach (var path in WalSegments.Snapshots(directory).Reverse())
        {
            (SnapshotHeader Header, List<KeyValue> Versions)? loaded;
            try
            {
                loaded = SnapshotFile.Read(path, arena);
            }
            catch (Exception e) when (e is InvalidDataException or Google.Protobuf.InvalidProtocolBufferException)
            {
                // Whole records that do not decode are not a torn write: say which file, never start without it.
                throw new InvalidDataException($"Snapshot {path} is corrupt: {e.Message}", e);
            }

            if (loaded is null)
            {
                logger.LogWarning("Ignoring incomplete snapshot {Path}", path);
                continue;
            }

            logger.LogDebug("Snapshot {Path} read and parsed in {Ms:F0} ms", path, clock.Elapsed.TotalMilliseconds);
            snapshotSeq = SnapshotFile.SeqOf(path);
            snapshotBytes = new FileInfo(path).Length;
            try
            {
                onSnapshot(loaded.Value.Header, loaded.Value.Versions);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"Snapshot {path} is corrupt: {e.Message}", e);
            }

            break;
        }

        var snapshotTime = clock.Elapsed;
        long replayed = 0;
        var segments = WalSegments.List(directory);
        var expected = snapshotSeq + 1;
        string? last = null;
        long lastLength = 0;
        long walBytes = 0;
        var buffer = new byte[64 * 1024];
        for (var s = 0; s < segments.Length; s++)
        {
            var path = segments[s];
            var seq = WalSegments.FirstSeqOf(path);
            var isLast = s == segments.Length - 1;
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 20);
            long valid = 0;
            while (true)
            {
                var n = RecordFraming.Read(file, ref buffer);
                if (n == 0)
                {
                    break;
                }

                if (n < 0)
                {
                    var dropped = file.Length - valid;
                    if (!isLast)
                    {
                        throw new InvalidDataException($"WAL segment {path} is corrupt at offset {valid} (not the last segment)");
                    }

                    var tearable = TearableBytes(file, valid);
                    if (dropped > tearable)
                    {
                        throw new InvalidDataException(
                            $"WAL segment {path} is corrupt at offset {valid}: {dropped} bytes after it cannot be read, more than the " +
                            $"{tearable} bytes one interrupted write can leave, so this is damage rather than a torn tail. " +
                            "Nothing was changed; restore the data folder from a backup, or move the segment away to start from the records before it");
                    }

                    logger.LogWarning(
                        "Torn WAL tail in {Path}: dropped {Bytes} bytes after offset {Offset} (record {Seq} and later were never acknowledged)",
                        path, dropped, valid, seq);
                    break;
                }

                if (seq >= expected)
                {
                    if (seq > expected)
                    {
                        throw new InvalidDataException($"WAL gap: expected record {expected}, found {seq} in {path}");
                    }

                    WalRecord record;
                    try
                    {
                        record = WireReader.ReadWalRecord(buffer.AsSpan(0, n), arena);
                    }
                    catch (Exception e) when (e is InvalidDataException or Google.Protobuf.InvalidProtocolBufferException)
                    {
                        throw new InvalidDataException($"WAL segment {path} has an unreadable record at offset {valid}: {e.Message}", e);
                    }

                    try
                    {
                        onRecord(record);
                    }
                    catch (InvalidDataException e)
                    {
                        throw new InvalidDataException($"WAL segment {path} has a record at offset {valid} the store cannot apply: {e.Message}", e);
                    }

                    expected++;
                    replayed++;
                }

                seq++;
                valid = file.Position;
            }

            walBytes += valid;
            if (isLast)
            {
                last = path;
                lastLength = valid;
            }
        }

        return new Result(expected - 1, last, lastLength, snapshotBytes, walBytes, replayed, snapshotTime, clock.Elapsed - snapshotTime);
    }

    // One batch is at most MaxBatchBytes, or a single record of any size (its header says how big).
    private static long TearableBytes(FileStream file, long offset)
    {
        Span<byte> header = stackalloc byte[RecordFraming.HeaderSize];
        file.Position = offset;
        var declared = file.Read(header) == header.Length ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(header) : 0;
        return Math.Max(WalWriter.MaxBatchBytes, declared <= RecordFraming.MaxRecordBytes ? declared + RecordFraming.HeaderSize : 0);
    }
}
