namespace LocalKube.Core.Drivers;

/// <summary>The host OS, spelled like <see cref="Abstractions.Drivers.DriverDescriptor.Platforms"/>.</summary>
public static class HostPlatform
{
    /// <summary>Linux.</summary>
    public const string Linux = "linux";

    /// <summary>macOS.</summary>
    public const string MacOS = "osx";

    /// <summary>Windows.</summary>
    public const string Windows = "windows";

    /// <summary>This host's OS.</summary>
    public static string Current { get; } =
        OperatingSystem.IsLinux() ? Linux
        : OperatingSystem.IsMacOS() ? MacOS
        : OperatingSystem.IsWindows() ? Windows
        : Environment.OSVersion.Platform.ToString().ToLowerInvariant();

    /// <summary>The OS as users name it: Linux, macOS, Windows.</summary>
    public static string DisplayName(string platform) => platform switch
    {
        Linux => "Linux",
        MacOS => "macOS",
        Windows => "Windows",
        _ => platform,
    };
}
