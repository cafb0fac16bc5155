namespace LocalKube.Node.Kubelet.Volumes;

/// <summary>
/// hostPath <c>type</c> checks (<c>k8s: pkg/volume/hostpath</c>): DirectoryOrCreate and FileOrCreate create what is
/// missing (0755 and 0644); Directory, File, Socket, CharDevice and BlockDevice must already be that; empty checks nothing.
/// </summary>
internal static class HostPathCheck
{
    public static void Apply(string volume, string path, string? type)
    {
        switch (type ?? "")
        {
            case "":
                return;
            case "DirectoryOrCreate":
                if (!Directory.Exists(path))
                {
                    if (File.Exists(path))
                    {
                        throw Fail(volume, $"{path} is not a directory");
                    }

                    Directory.CreateDirectory(path);
                    UnixMode.Set(path, UnixMode.Octal("755"));
                }

                return;
            case "Directory":
                if (!Directory.Exists(path))
                {
                    throw Fail(volume, File.Exists(path) ? $"{path} is not a directory" : $"{path} does not exist");
                }

                return;
            case "FileOrCreate":
                if (!File.Exists(path))
                {
                    if (Directory.Exists(path))
                    {
                        throw Fail(volume, $"{path} is not a file");
                    }

                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    File.WriteAllBytes(path, []);
                    UnixMode.Set(path, UnixMode.Octal("644"));
                }

                return;
            case "File":
                if (!File.Exists(path) || IsSpecial(path))
                {
                    throw Fail(volume, Directory.Exists(path) ? $"{path} is not a file" : $"{path} does not exist");
                }

                return;
            case "Socket" or "CharDevice" or "BlockDevice":
                var expected = type switch { "Socket" => "socket", "CharDevice" => "character device", _ => "block device" };
                if (!Exists(path))
                {
                    throw Fail(volume, $"{path} does not exist");
                }

                if (!IsKind(path, type!))
                {
                    throw Fail(volume, $"{path} is not a {expected}");
                }

                return;
            default:
                throw Fail(volume, $"invalid hostPath type \"{type}\"");
        }
    }

    private static VolumeSetupException Fail(string volume, string why) => new(volume, $"hostPath type check failed: {why}");

    private static bool Exists(string path) => Native.LibC.FileType(path) != 0;

    private static bool IsSpecial(string path) => Native.LibC.FileType(path) is not (0 or Native.LibC.TypeRegular);

    private static bool IsKind(string path, string type) => Native.LibC.FileType(path) == type switch
    {
        "Socket" => Native.LibC.TypeSocket,
        "CharDevice" => Native.LibC.TypeCharDevice,
        _ => Native.LibC.TypeBlockDevice,
    };
}
