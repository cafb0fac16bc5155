namespace LocalKube.IntegrationTests;

/// <summary>Where the published CLI and agent are: LOCALKUBE_ASSETS (set by build.cake), else the repo's artifacts/.</summary>
public static class Assets
{
    public static string Root { get; } = Find();

    public static string Cli => Path.Combine(Root, "bin", "localkube");

    private static string Find()
    {
        var fromEnv = Environment.GetEnvironmentVariable("LOCALKUBE_ASSETS");
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return fromEnv;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LocalKube.sln")))
            {
                return Path.Combine(dir.FullName, "artifacts");
            }
        }

        throw new InvalidOperationException("Cannot find artifacts/: run './build.sh --target=Publish' or set LOCALKUBE_ASSETS.");
    }
}
