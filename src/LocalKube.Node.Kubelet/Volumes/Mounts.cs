namespace LocalKube.Node.Kubelet.Volumes;

/// <summary>The node's mount table (<c>/proc/self/mountinfo</c>), for tmpfs volumes the kubelet mounted.</summary>
internal static class Mounts
{
    /// <summary>Whether <paramref name="path"/> is a mount point.</summary>
    public static bool IsMountPoint(string path) => All().Contains(Path.GetFullPath(path).TrimEnd('/'));

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
