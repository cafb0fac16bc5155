using System.Globalization;

namespace LocalKube.Node.Kubelet.Volumes;

/// <summary>
/// Upstream's atomic volume writer (<c>k8s: pkg/volume/util/atomic_writer.go</c>): the files live in a timestamped
/// folder <c>..2006_01_02_15_04_05.&lt;random&gt;</c>, <c>..data</c> links to it, and each top-level name links into
/// <c>..data</c>. An update writes a new folder, points <c>..data_tmp</c> at it and renames that over <c>..data</c>, so a
/// reader sees the old set or the new one, never a mix; unchanged content is not rewritten.
/// </summary>
public sealed class AtomicWriter(string targetDirectory, TimeProvider time)
{
    /// <summary>The link to the current data folder.</summary>
    public const string DataDirName = "..data";

    /// <summary>The link renamed over <see cref="DataDirName"/>.</summary>
    public const string DataDirTmpName = "..data_tmp";

    /// <summary>Writes <paramref name="payload"/> (relative paths → files); returns whether anything changed.</summary>
    /// <exception cref="ArgumentException">A path is absolute, contains <c>..</c> or starts with <c>..</c>.</exception>
    public bool Write(IReadOnlyDictionary<string, FileProjection> payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        foreach (var path in payload.Keys)
        {
            Validate(path);
        }

        Directory.CreateDirectory(targetDirectory);
        var dataDir = Path.Combine(targetDirectory, DataDirName);
        var oldTsName = ReadLink(dataDir);
        var oldTsDir = oldTsName is null ? null : Path.Combine(targetDirectory, oldTsName);
        var oldPaths = oldTsDir is not null && Directory.Exists(oldTsDir) ? ListFiles(oldTsDir) : [];
        var removed = oldPaths.Where(p => !payload.ContainsKey(p)).ToList();

        if (oldTsDir is not null && removed.Count == 0 && SameContent(oldTsDir, payload) && UserVisibleLinksExist(payload))
        {
            return false;
        }

        var newTsDir = CreateTimestampedDirectory();
        try
        {
            foreach (var (path, file) in payload)
            {
                var full = Path.Combine(newTsDir, path);
                var parent = Path.GetDirectoryName(full)!;
                if (!Directory.Exists(parent))
                {
                    Directory.CreateDirectory(parent);
                    UnixMode.Set(parent, UnixMode.Octal("755"));
                }

                File.WriteAllBytes(full, file.Data);
                UnixMode.Set(full, file.Mode);
            }

            foreach (var top in payload.Keys.Select(TopLevel).Distinct(StringComparer.Ordinal))
            {
                var link = Path.Combine(targetDirectory, top);
                if (!IsLink(link))
                {
                    File.CreateSymbolicLink(link, Path.Combine(DataDirName, top));
                }
            }

            var tmpLink = Path.Combine(targetDirectory, DataDirTmpName);
            if (IsLink(tmpLink) || File.Exists(tmpLink))
            {
                File.Delete(tmpLink);
            }

            File.CreateSymbolicLink(tmpLink, Path.GetFileName(newTsDir));
            Rename(tmpLink, dataDir);
        }
        catch
        {
            TryDeleteDirectory(newTsDir);
            throw;
        }

        foreach (var top in removed.Select(TopLevel).Distinct(StringComparer.Ordinal).Where(t => !payload.Keys.Any(k => TopLevel(k) == t)))
        {
            var link = Path.Combine(targetDirectory, top);
            if (IsLink(link))
            {
                File.Delete(link);
            }
        }

        if (oldTsDir is not null)
        {
            TryDeleteDirectory(oldTsDir);
        }

        return true;
    }

    private static void Validate(string path)
    {
        if (string.IsNullOrEmpty(path) || Path.IsPathRooted(path) || path.StartsWith("..", StringComparison.Ordinal)
            || path.Split('/').Any(p => p == ".."))
        {
            throw new ArgumentException($"invalid path: {path}", nameof(path));
        }
    }

    private static string TopLevel(string path) => path.Split('/')[0];

    private string CreateTimestampedDirectory()
    {
        var stamp = time.GetUtcNow().UtcDateTime.ToString("..yyyy_MM_dd_HH_mm_ss.", CultureInfo.InvariantCulture);
        while (true)
        {
            // os.MkdirTemp's random suffix: digits.
            var dir = Path.Combine(targetDirectory, stamp + Random.Shared.Next(0, int.MaxValue).ToString(CultureInfo.InvariantCulture));
            if (!Directory.Exists(dir))
            {
                Directory.CreateDirectory(dir);
                UnixMode.Set(dir, UnixMode.Octal("755"));
                return dir;
            }
        }
    }

    private bool UserVisibleLinksExist(IReadOnlyDictionary<string, FileProjection> payload) =>
        payload.Keys.Select(TopLevel).All(t => IsLink(Path.Combine(targetDirectory, t)));

    private static bool SameContent(string dir, IReadOnlyDictionary<string, FileProjection> payload)
    {
        foreach (var (path, file) in payload)
        {
            var full = Path.Combine(dir, path);
            if (!File.Exists(full) || UnixMode.Get(full) != file.Mode || !File.ReadAllBytes(full).AsSpan().SequenceEqual(file.Data))
            {
                return false;
            }
        }

        return true;
    }

    private static List<string> ListFiles(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(dir, f).Replace('\\', '/'))
            .ToList();

    private static string? ReadLink(string path)
    {
        var info = new FileInfo(path);
        return info.LinkTarget;
    }

    private static bool IsLink(string path) => new FileInfo(path).LinkTarget is not null;

    // rename(2) replaces the destination link atomically (File.Move refuses a link to a folder).
    private static void Rename(string from, string to) => Native.LibC.Rename(from, to);

    private static void TryDeleteDirectory(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover folder is harmless; the next write removes the one ..data no longer names.
        }
    }
}
