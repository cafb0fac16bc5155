namespace LocalKube.Core.IO;

/// <summary>Creates folders private to the owner on Unix; a no-op for modes on Windows, where ACLs apply.</summary>
internal static class UnixPermissions
{
    /// <summary>rwx for the owner only: the home, profile and certificate folders hold secrets.</summary>
    public const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>
    /// Creates <paramref name="path"/> and every missing parent with mode 0700. Folders that already exist keep their
    /// mode: the user may have chosen it.
    /// </summary>
    public static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        // Directory.CreateDirectory(path, mode) gives the mode to the last folder only; parents get the umask default.
        var missing = new Stack<string>();
        for (var folder = Path.GetFullPath(path); !Directory.Exists(folder); folder = Path.GetDirectoryName(folder)!)
        {
            missing.Push(folder);
            if (Path.GetDirectoryName(folder) is null)
            {
                break;
            }
        }

        while (missing.TryPop(out var folder))
        {
            Directory.CreateDirectory(folder, PrivateDirectory);
            // The umask may have narrowed the create mode further; make it exact.
            File.SetUnixFileMode(folder, PrivateDirectory);
        }
    }
}
