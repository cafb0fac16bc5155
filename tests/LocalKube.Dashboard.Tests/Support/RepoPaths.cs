namespace LocalKube.Dashboard.Tests;

/// <summary>The repository's folders: artifacts/ (LOCALKUBE_ASSETS when set, as build.cake sets it).</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Artifacts { get; } = Environment.GetEnvironmentVariable("LOCALKUBE_ASSETS") is { Length: > 0 } assets ? assets : Path.Combine(Root, "artifacts");

    public static string Cli => Path.Combine(Artifacts, "bin", "localkube");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LocalKube.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("cannot find the repository root (LocalKube.sln)");
    }
}
