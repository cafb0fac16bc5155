namespace LocalKube.Node.Kubelet.Volumes;

/// <summary>Unix file modes (the kubelet runs on Linux; elsewhere these are no-ops).</summary>
public static class UnixMode
{
    /// <summary>Sets <paramref name="path"/>'s mode.</summary>
    public static void Set(string path, int mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, (UnixFileMode)mode);
        }
    }

    /// <summary><paramref name="path"/>'s mode (0 elsewhere).</summary>
    public static int Get(string path) => OperatingSystem.IsWindows() ? 0 : (int)File.GetUnixFileMode(path);

    /// <summary>Parses an octal text such as <c>644</c>.</summary>
    public static int Octal(string text) => Convert.ToInt32(text, 8);
}
