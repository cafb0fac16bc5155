using System.Runtime.InteropServices;

namespace LocalKube.Drivers.Vm.Host;

/// <summary>Hard links, with a copy where the file system refuses one (another device, Windows).</summary>
public static partial class FileLinks
{
    /// <summary>
    /// Makes <paramref name="target"/> a hard link to <paramref name="source"/>, or a copy when linking fails. A
    /// machine links its image files this way, so it keeps booting the image it was made with even after the cache
    /// drops or rebuilds it, at no cost in disk space.
    /// </summary>
    public static void LinkOrCopy(string source, string target)
    {
        if (File.Exists(target))
        {
            File.Delete(target);
        }

        if (!OperatingSystem.IsWindows() && Link(source, target) == 0)
        {
            return;
        }

        File.Copy(source, target);
    }

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Link(string oldPath, string newPath);
}
