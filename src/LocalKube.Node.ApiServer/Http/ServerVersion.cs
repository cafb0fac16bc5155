using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using k8s.Models;

namespace LocalKube.Node.ApiServer.Http;

/// <summary>
/// The <c>/version</c> document. <c>minor</c> MUST stay "32": the kubectl on PATH is a dispatcher that runs the
/// kubectl build matching it (kubectl-protocol §0).
/// </summary>
public static class ServerVersion
{
    /// <summary>The Kubernetes API version this server speaks.</summary>
    public const string KubernetesGitVersion = LocalKube.Node.Machinery.KubeVersion.GitVersion;

    private static readonly Lazy<VersionInfo> Info = new(Create);

    /// <summary>The version document of this build.</summary>
    public static VersionInfo Current => Info.Value;

    /// <summary>The version document as JSON (the shape of <c>GET /version</c>).</summary>
    public static string ToJson() => JsonSerializer.Serialize(Current, KubeJsonContext.Default.VersionInfo);

    private static VersionInfo Create()
    {
        var assembly = typeof(ServerVersion).Assembly;

        // The SDK appends "+<commit>" to the informational version when built from a git checkout.
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        var version = plus < 0 ? informational : informational[..plus];
        var commit = plus < 0 ? "unknown" : informational[(plus + 1)..];
        var buildDate = assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "BuildDate")?.Value;

        return new VersionInfo
        {
            Major = "1",
            Minor = "32",
            GitVersion = $"{KubernetesGitVersion}-localkube.{version}",
            GitCommit = commit,
            GitTreeState = "clean",
            BuildDate = string.IsNullOrEmpty(buildDate) ? "1970-01-01T00:00:00Z" : buildDate,
            GoVersion = $"dotnet{Environment.Version.Major}",
            Compiler = "dotnet",
            Platform = $"{Os()}/{Arch()}",
        };
    }

    private static string Os() =>
        OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsMacOS() ? "darwin" : OperatingSystem.IsWindows() ? "windows" : "unknown";

    // Go architecture names, as upstream reports them.
    private static string Arch() => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => "amd64",
        Architecture.Arm64 => "arm64",
        Architecture.X86 => "386",
        Architecture.Arm => "arm",
        _ => RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant(),
    };
}
