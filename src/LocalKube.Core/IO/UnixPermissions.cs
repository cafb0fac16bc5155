namespace LocalKube.Core.IO;

/// <summary>Creates folders private to the owner on Unix; a no-op for modes on Windows, where ACLs apply.</summary>
internal static class UnixPermissions
{
    /// <summary>rwx for the owner only: the home, profile and certificate folders hold secrets.</summary>
    public const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        var existed = Directory.Exists(path);
        Directory.CreateDirectory(path, PrivateDirectory);
        if (!existed)
        {
            // CreateDirectory applies the umask; make the mode exact for the folder we made.
            File.SetUnixFileMode(path, PrivateDirectory);
        }
    }
}
