using LocalKube.Abstractions.Errors;

namespace LocalKube.Drivers.Qemu;

/// <summary>The two QEMU programs the driver runs, found on PATH unless configured.</summary>
/// <param name="System">qemu-system-x86_64.</param>
/// <param name="Img">qemu-img.</param>
internal sealed record QemuBinaries(string System, string Img)
{
    /// <summary>The programs, or null for each one that is missing.</summary>
    public static (string? System, string? Img) Find(QemuDriverOptions options) =>
        (Resolve(options.QemuSystemPath, "qemu-system-x86_64", options), Resolve(options.QemuImgPath, "qemu-img", options));

    /// <summary>Both programs.</summary>
    /// <exception cref="LocalKubeException"><see cref="Reasons.QemuNotFound"/> naming what is missing.</exception>
    public static QemuBinaries Require(QemuDriverOptions options)
    {
        var (system, img) = Find(options);
        if (system is null || img is null)
        {
            throw new LocalKubeException(Reasons.QemuNotFound, MissingMessage(system, img));
        }

        return new QemuBinaries(system, img);
    }

    /// <summary>Says which of the two is missing.</summary>
    public static string MissingMessage(string? system, string? img) =>
        (system, img) switch
        {
            (null, null) => "Neither qemu-system-x86_64 nor qemu-img is on the PATH.",
            (null, _) => "qemu-system-x86_64 is not on the PATH.",
            _ => "qemu-img is not on the PATH.",
        };

    private static string? Resolve(string? configured, string name, QemuDriverOptions options)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(configured) ? Path.GetFullPath(configured) : null;
        }

        var path = options.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);
    }
}
