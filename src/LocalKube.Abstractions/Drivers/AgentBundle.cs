using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using LocalKube.Abstractions.Errors;

namespace LocalKube.Abstractions.Drivers;

/// <summary>
/// The node agent bundle as drivers copy it into a node: its hash, a tar stream of it (owned by root), and the
/// certificate files as a tar or in a folder shared with the node.
/// </summary>
public static class AgentBundle
{
    /// <summary>The file in the agent folder that records the installed bundle's hash.</summary>
    public const string BundleHashFile = ".bundle-hash";

    /// <summary>
    /// A cheap hash of the bundle: relative names, sizes and modification times (not contents), so a start with an
    /// unchanged bundle costs one directory walk, not a read of ~70 MB.
    /// </summary>
    public static string HashBundle(string bundleDirectory)
    {
        if (!Directory.Exists(bundleDirectory))
        {
            throw new LocalKubeException(Reasons.AssetNotFound, $"The node agent bundle folder {bundleDirectory} does not exist.");
        }

        if (!File.Exists(Path.Combine(bundleDirectory, "localkube-node")))
        {
            throw new LocalKubeException(Reasons.AssetNotFound, $"The node agent bundle folder {bundleDirectory} has no localkube-node executable.");
        }

        var text = new StringBuilder();
        foreach (var file in BundleFiles(bundleDirectory))
        {
            var info = new FileInfo(file.FullPath);
            text.Append(file.Name).Append('\0').Append(info.Length).Append('\0')
                .Append(info.LastWriteTimeUtc.Ticks).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>
    /// Writes the bundle as a tar to a temporary file (deleted on dispose) and rewinds it. The hash file is the last
    /// entry, so an interrupted copy leaves a folder whose hash does not match and is copied again next time.
    /// </summary>
    public static async Task<Stream> BundleAsync(string bundleDirectory, string hash, CancellationToken cancellationToken)
    {
        var stream = TempStream();
        try
        {
            await using (var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true))
            {
                foreach (var file in BundleFiles(bundleDirectory))
                {
                    var mode = OperatingSystem.IsWindows() ? ExecutableFor(file.Name) : File.GetUnixFileMode(file.FullPath);
                    await using var data = File.OpenRead(file.FullPath);
                    await WriteAsync(writer, file.Name, mode, File.GetLastWriteTimeUtc(file.FullPath), data, cancellationToken).ConfigureAwait(false);
                }

                await WriteAsync(writer, BundleHashFile, (UnixFileMode)0b110_100_100, DateTime.UtcNow,
                    new MemoryStream(Encoding.ASCII.GetBytes(hash + "\n")), cancellationToken).ConfigureAwait(false);
            }

            stream.Position = 0;
            return stream;
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The certificate files as a tar: keys (<c>*.key</c>) get mode 0600, the rest 0644.</summary>
    public static async Task<Stream> FilesAsync(IReadOnlyDictionary<string, byte[]> files, CancellationToken cancellationToken)
    {
        var stream = new MemoryStream();
        await using (var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, content) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                await WriteAsync(writer, PlainName(name, nameof(files)), KeyOrFileMode(name), DateTime.UtcNow, new MemoryStream(content), cancellationToken)
                    .ConfigureAwait(false);
            }
        }

        stream.Position = 0;
        return stream;
    }

    /// <summary>
    /// Writes the certificate files into <paramref name="directory"/> (made 0700, emptied first): keys
    /// (<c>*.key</c>) 0600, the rest 0644.
    /// </summary>
    public static async Task WriteFilesAsync(IReadOnlyDictionary<string, byte[]> files, string directory, CancellationToken cancellationToken)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        foreach (var (name, content) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            var path = Path.Combine(directory, PlainName(name, nameof(files)));
            await File.WriteAllBytesAsync(path, content, cancellationToken).ConfigureAwait(false);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, KeyOrFileMode(name));
            }
        }
    }

    private static string PlainName(string name, string parameter) =>
        name.Length == 0 || name.Contains('/') || name.Contains('\\') || name is "." or ".."
            ? throw new ArgumentException($"'{name}' is not a plain file name.", parameter)
            : name;

    private static UnixFileMode KeyOrFileMode(string name) =>
        name.EndsWith(".key", StringComparison.Ordinal) ? (UnixFileMode)0b110_000_000 : (UnixFileMode)0b110_100_100;

    private static async Task WriteAsync(
        TarWriter writer, string name, UnixFileMode mode, DateTime modified, Stream data, CancellationToken cancellationToken)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            Mode = mode,
            ModificationTime = modified,
            Uid = 0,
            Gid = 0,
            DataStream = data,
        };
        await writer.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
    }

    private static IEnumerable<(string Name, string FullPath)> BundleFiles(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => (Name: Path.GetRelativePath(root, f).Replace('\\', '/'), FullPath: f))
            .Where(f => f.Name != BundleHashFile)
            .OrderBy(f => f.Name, StringComparer.Ordinal);

    // A bundle published on Windows has no Unix modes; the agent itself and native libraries must stay runnable.
    private static UnixFileMode ExecutableFor(string name) =>
        name == "localkube-node" || name.EndsWith(".so", StringComparison.Ordinal)
            ? (UnixFileMode)0b111_101_101
            : (UnixFileMode)0b110_100_100;

    private static FileStream TempStream() =>
        new(Path.Combine(Path.GetTempPath(), $"localkube-bundle-{Guid.NewGuid():N}.tar"), FileMode.CreateNew,
            FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
}
