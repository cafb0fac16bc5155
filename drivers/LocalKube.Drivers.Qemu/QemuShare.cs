using System.Security.Cryptography;
using System.Text;
using LocalKube.Abstractions.Drivers;

namespace LocalKube.Drivers.Qemu;

/// <summary>
/// The machine's 9p share (read-only in the guest, cached there): the agent bundle and the certificates, each set in
/// a folder named by its hash and never modified afterwards, so the guest's cache can never serve stale files.
/// </summary>
internal sealed class QemuShare(string root)
{
    private const string BundlePrefix = "agent-";
    private const string FilesPrefix = "certs-";
    private const string CompleteMarker = ".complete";

    /// <summary>Copies the bundle into <c>agent-&lt;hash&gt;</c> unless it is there; returns the folder name.</summary>
    public async Task<string> StageBundleAsync(string bundleDirectory, string hash, CancellationToken cancellationToken)
    {
        var name = BundlePrefix + hash[..16];
        var folder = Path.Combine(root, name);
        if (File.Exists(Path.Combine(folder, CompleteMarker)))
        {
            return name;
        }

        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true); // an interrupted copy
        }

        foreach (var file in Directory.EnumerateFiles(bundleDirectory, "*", SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var target = Path.Combine(folder, Path.GetRelativePath(bundleDirectory, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(target, File.GetUnixFileMode(file));
            }
        }

        // The marker last: an interrupted copy is redone next time.
        await File.WriteAllTextAsync(Path.Combine(folder, CompleteMarker), hash + "\n", cancellationToken).ConfigureAwait(false);
        return name;
    }

    /// <summary>Writes the certificate files into <c>certs-&lt;hash of their contents&gt;</c>; returns the folder name.</summary>
    public async Task<string> StageFilesAsync(IReadOnlyDictionary<string, byte[]> files, CancellationToken cancellationToken)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (fileName, content) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            sha.AppendData(Encoding.UTF8.GetBytes($"{fileName}\0{content.Length}\0"));
            sha.AppendData(content);
        }

        var name = FilesPrefix + Convert.ToHexStringLower(sha.GetHashAndReset())[..16];
        await AgentBundle.WriteFilesAsync(files, Path.Combine(root, name), cancellationToken).ConfigureAwait(false);
        return name;
    }

    /// <summary>Drops every staged folder except the named ones (the running agent's).</summary>
    public void RemoveAllBut(params string[] keep)
    {
        foreach (var folder in Directory.EnumerateDirectories(root))
        {
            var name = Path.GetFileName(folder);
            if ((name.StartsWith(BundlePrefix, StringComparison.Ordinal) || name.StartsWith(FilesPrefix, StringComparison.Ordinal))
                && !keep.Contains(name, StringComparer.Ordinal))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
