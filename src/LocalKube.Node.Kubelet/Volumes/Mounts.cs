namespace LocalKube.Node.Kubelet.Volumes;

/// <summary>The node's mount table (<c>/proc/self/mountinfo</c>), for tmpfs volumes the kubelet mounted.</summary>
internal static class Mounts
{
    /// <summary>
    /// Whether <paramref name="path"/> is on another device than its parent folder: a mount point of another file
    /// system, such as the kubelet's tmpfs volumes (upstream's <c>IsLikelyNotMountPoint</c>; a bind mount within one
    /// file system is not seen). Two stat calls, where reading the mount table costs the kernel a line per mount of the
    /// node, on every sync of every pod with a tmpfs volume.
    /// </summary>
    public static bool IsMountPoint(string path)
    {
        var full = Path.GetFullPath(path).TrimEnd('/');
        var parent = Path.GetDirectoryName(full);
        return parent is not null && Native.LibC.Device(full) is { } device && Native.LibC.Device(parent) is { } parentDevice && device != parentDevice;
    }

    /// <summary>Mount points below <paramref name="directory"/>, deepest first.</summary>
    public static IReadOnlyList<string> Under(string directory)
    {
        var root = Path.GetFullPath(directory).TrimEnd('/') + "/";
        return All().Where(m => m.StartsWith(root, StringComparison.Ordinal)).OrderByDescending(m => m.Length).ToList();
    }

    private static HashSet<string> All()
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (var line in File.ReadLines("/proc/self/mountinfo"))
            {
                // Field 5 is the mount point, with spaces and other bytes escaped as \ooo.
                var fields = line.Split(' ');
                if (fields.Length > 4)
                {
                    result.Add(Unescape(fields[4]));
                }
            }
        }
        catch (IOException)
        {
            // No /proc: nothing is mounted as far as the kubelet can tell.
        }

        return result;
    }

    private static string Unescape(string field) =>
        System.Text.RegularExpressions.Regex.Replace(field, @"\\([0-7]{3})", m => ((char)Convert.ToInt32(m.Groups[1].Value, 8)).ToString());
}
