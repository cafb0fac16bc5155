using System.Globalization;
using System.Security.Cryptography;

namespace LocalKube.Node.Storage;

/// <summary>The cluster and member IDs of a data folder: random at creation, then fixed (file <c>member</c>).</summary>
internal static class MemberIdentity
{
    public static async Task<(ulong Cluster, ulong Member)> LoadOrCreateAsync(string directory, CancellationToken ct)
    {
        var path = Path.Combine(directory, "member");
        if (File.Exists(path))
        {
            var parts = (await File.ReadAllTextAsync(path, ct).ConfigureAwait(false)).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length == 2 &&
                ulong.TryParse(parts[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var c) &&
                ulong.TryParse(parts[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var m))
            {
                return (c, m);
            }
        }

        var cluster = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)) >> 1;
        var member = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)) >> 1;
        var temp = path + ".tmp";
        await using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            await file.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"{cluster:x16} {member:x16}\n"), ct).ConfigureAwait(false);

            // Durable before the rename, or a crash could leave a renamed but empty file (a new identity next time).
            file.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
        Persistence.DirectorySync.Flush(directory);
        return (cluster, member);
    }
}
