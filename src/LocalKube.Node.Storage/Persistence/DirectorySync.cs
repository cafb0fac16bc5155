using System.Runtime.InteropServices;

namespace LocalKube.Node.Storage.Persistence;

/// <summary>Makes a rename or a new file's directory entry durable (fsync on the folder), where the OS allows it.</summary>
internal static partial class DirectorySync
{
    public static void Flush(string directory)
    {
        // .NET refuses to open a folder as a file, so this goes to libc directly; Windows needs no such step.
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return;
        }

        var fd = Open(directory, 0);
        if (fd < 0)
        {
            return;
        }

        _ = Fsync(fd);
        _ = Close(fd);
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
