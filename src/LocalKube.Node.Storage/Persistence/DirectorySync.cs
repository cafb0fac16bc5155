using System.Runtime.InteropServices;

namespace LocalKube.Node.Storage.Persistence;

/// <summary>Makes a rename or a new file's directory entry durable (fsync on the folder), where the OS allows it.</summary>
internal static partial class DirectorySync
{
    private const int Einval = 22;

    /// <summary>fsyncs <paramref name="directory"/>.</summary>
    /// <exception cref="IOException">The folder could not be opened or synced: the entries it holds may not survive a crash.</exception>
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
            throw Error("open", directory, Marshal.GetLastPInvokeError());
        }

        try
        {
            // EINVAL: the filesystem cannot sync folders at all (some FUSE mounts); there is nothing more to do.
            if (Fsync(fd) != 0 && Marshal.GetLastPInvokeError() is var errno && errno != Einval)
            {
                throw Error("fsync", directory, errno);
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    private static IOException Error(string call, string directory, int errno) =>
        new($"{call} of folder {directory} failed: {Marshal.GetPInvokeErrorMessage(errno)}");

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
