using LocalKube.Abstractions.Errors;

namespace LocalKube.Drivers.Xhyve;

/// <summary>Finds hyperkit and checks that it may use vmnet.</summary>
internal static class Hyperkit
{
    /// <summary>hyperkit on PATH, or the configured one; null when missing.</summary>
    public static string? Find(XhyveDriverOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.HyperkitPath))
        {
            return File.Exists(options.HyperkitPath) ? options.HyperkitPath : null;
        }

        return (options.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, "hyperkit"))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// Why hyperkit cannot use vmnet, or null when it can: vmnet needs root, so either this process runs as root or
    /// hyperkit is setuid root (what minikube's permission error asks for).
    /// </summary>
    public static string? PermissionProblem(string hyperkit, XhyveDriverOptions options)
    {
        if (options.IsRoot() || OperatingSystem.IsWindows())
        {
            return null;
        }

        return (File.GetUnixFileMode(hyperkit) & UnixFileMode.SetUser) != 0
            ? null
            : $"{hyperkit} needs to run with elevated permissions (vmnet): it is not setuid root and this process is not root.";
    }

    /// <summary>hyperkit, ready to use.</summary>
    /// <exception cref="LocalKubeException"><see cref="Reasons.HyperkitNotFound"/> or <see cref="Reasons.HyperkitPermission"/>.</exception>
    public static string Require(XhyveDriverOptions options)
    {
        var hyperkit = Find(options) ?? throw new LocalKubeException(Reasons.HyperkitNotFound, "hyperkit was not found on the PATH.");
        return PermissionProblem(hyperkit, options) is { } problem
            ? throw new LocalKubeException(Reasons.HyperkitPermission,
                $"{problem} Run: sudo chown root:wheel {hyperkit} && sudo chmod u+s {hyperkit}")
            : hyperkit;
    }
}
