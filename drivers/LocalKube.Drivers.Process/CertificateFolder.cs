using System.Runtime.Versioning;

namespace LocalKube.Drivers.Process;

/// <summary>Writes the agent's certificate folder: folder 0700, private keys 0600, the rest 0644.</summary>
[SupportedOSPlatform("linux")]
internal static class CertificateFolder
{
    private const UnixFileMode Owner = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerFolder = Owner | UnixFileMode.UserExecute;
    private const UnixFileMode Public = Owner | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>Replaces the folder's files with <paramref name="files"/> (rewritten on every agent start).</summary>
    public static async Task WriteAsync(string folder, IReadOnlyDictionary<string, byte[]> files, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder, OwnerFolder);
        File.SetUnixFileMode(folder, OwnerFolder); // an existing folder keeps its old mode otherwise

        foreach (var stale in Directory.GetFiles(folder).Where(f => !files.ContainsKey(Path.GetFileName(f))))
        {
            File.Delete(stale);
        }

        foreach (var (name, content) in files)
        {
            if (name.Length == 0 || name != Path.GetFileName(name) || name is "." or "..")
            {
                throw new ArgumentException($"Agent file names must be plain file names, not '{name}'.", nameof(files));
            }

            // Create the temporary file with its final mode, so a key is never readable by others, not even briefly.
            var mode = IsPrivate(name) ? Owner : Public;
            var path = Path.Combine(folder, name);
            var temporary = path + ".tmp";
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = mode };
            await using (var stream = new FileStream(temporary, options))
            {
                await stream.WriteAsync(content, cancellationToken);
            }

            File.SetUnixFileMode(temporary, mode); // UnixCreateMode is masked by the umask and ignored for existing files
            File.Move(temporary, path, overwrite: true);
        }
    }

    private static bool IsPrivate(string name) => name.EndsWith(".key", StringComparison.Ordinal);
}
