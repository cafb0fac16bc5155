using System.Buffers;
using LocalKube.Node.Storage.Protocol;

namespace LocalKube.Node.Storage.Persistence;

/// <summary>
/// Snapshot files: <c>snap-{seq}.snap</c> holds the whole store as of WAL record <c>seq</c>. Written to a temporary
/// name, fsynced, renamed, and the folder fsynced, so a crash leaves either the old or the new snapshot whole.
/// </summary>
internal static class SnapshotFile
{
    public const string Prefix = "snap-";
    public const string Suffix = ".snap";

    public static string NameFor(long seq) => $"{Prefix}{seq:D20}{Suffix}";

    public static long SeqOf(string path) => long.Parse(Path.GetFileName(path)[Prefix.Length..^Suffix.Length], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Writes the snapshot durably and returns its size in bytes.</summary>
    /// <param name="directory">The data folder.</param>
    /// <param name="seq">The WAL record the snapshot is as of.</param>
    /// <param name="state">The captured store.</param>
    /// <param name="inject">Called before each step; tests make it throw to inject a fault there.</param>
    /// <exception cref="IOException">A step failed; the temporary file may be left behind (recovery removes it).</exception>
    public static long Write(string directory, long seq, StoreState state, Action<WalStep> inject)
    {
        ArgumentNullException.ThrowIfNull(inject);
        var final = Path.Combine(directory, NameFor(seq));
        var temp = final + ".tmp";
        var buffer = new ArrayBufferWriter<byte>(1 << 20);
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            inject(WalStep.SnapshotWrite);
            RecordFraming.Write(buffer, state.Header);
            foreach (var versions in state.Keys)
            {
                foreach (var kv in versions)
                {
                    RecordFraming.Write(buffer, kv);
                }

                if (buffer.WrittenCount > 1 << 20)
                {
                    file.Write(buffer.WrittenSpan);
                    buffer.ResetWrittenCount();
                }
            }

            file.Write(buffer.WrittenSpan);
            file.Flush(flushToDisk: true);
        }

        inject(WalStep.SnapshotRename);
        File.Move(temp, final, overwrite: true);
        inject(WalStep.DirectorySync);
        DirectorySync.Flush(directory);
        return new FileInfo(final).Length;
    }

    /// <summary>Reads a snapshot; returns null when the file is incomplete or corrupt.</summary>
    public static (SnapshotHeader Header, List<KeyValue> Versions)? Read(string path, ValueArena arena)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        var buffer = new byte[64 * 1024];
        var n = RecordFraming.Read(file, ref buffer);
        if (n <= 0)
        {
            return null;
        }

        var header = SnapshotHeader.Parser.ParseFrom(buffer.AsSpan(0, n));
        var versions = new List<KeyValue>((int)Math.Min(header.VersionCount, 10_000_000));
        for (long i = 0; i < header.VersionCount; i++)
        {
            n = RecordFraming.Read(file, ref buffer);
            if (n <= 0)
            {
                return null;
            }

            versions.Add(WireReader.ReadKeyValue(buffer.AsSpan(0, n), arena));
        }

        return (header, versions);
    }
}
