using System.Globalization;

namespace LocalKube.Node.Storage.Persistence;

/// <summary>Names of WAL segment files: <c>wal-{first record seq}.log</c>, so sorting by name is sorting by seq.</summary>
internal static class WalSegments
{
    public const string Prefix = "wal-";
    public const string Suffix = ".log";

    public static string NameFor(long firstSeq) => $"{Prefix}{firstSeq:D20}{Suffix}";

    public static long FirstSeqOf(string path) => long.Parse(Path.GetFileName(path)[Prefix.Length..^Suffix.Length], CultureInfo.InvariantCulture);

    public static string[] List(string directory) =>
        [.. Directory.GetFiles(directory, Prefix + "*" + Suffix).OrderBy(Path.GetFileName, StringComparer.Ordinal)];

    public static string[] Snapshots(string directory) =>
        [.. Directory.GetFiles(directory, SnapshotFile.Prefix + "*" + SnapshotFile.Suffix).OrderBy(Path.GetFileName, StringComparer.Ordinal)];
}
