using LocalKube.Abstractions.Errors;

namespace LocalKube.Core.Assets;

/// <summary>
/// Finds the files LocalKube ships beside the CLI: the node agent bundle and the node image recipe.
/// </summary>
/// <remarks>
/// Search order, first hit wins:
/// <list type="number">
/// <item><c>$LOCALKUBE_ASSETS</c> (an <c>artifacts</c> folder); when set, nothing else is searched, so a wrong value is
/// reported instead of silently falling back.</item>
/// <item>The published layout: the CLI in <c>artifacts/bin</c>, so <c>artifacts</c> is its parent.</item>
/// <item>A source checkout: walk up from the CLI's folder to the one holding <c>LocalKube.sln</c>; the bundle is in
/// its <c>artifacts/</c> and the recipe in its <c>images/node</c>.</item>
/// </list>
/// </remarks>
public sealed class AssetLocator
{
    /// <summary>The variable that points at an <c>artifacts</c> folder.</summary>
    public const string AssetsVariable = "LOCALKUBE_ASSETS";

    /// <summary>The agent executable's name inside the bundle.</summary>
    public const string AgentExecutable = "localkube-node";

    private readonly Func<string, string?> _getVariable;
    private readonly string _baseDirectory;

    /// <summary>Creates a locator.</summary>
    /// <param name="getVariable">Reads an environment variable; defaults to the process environment.</param>
    /// <param name="baseDirectory">The CLI's folder; defaults to <see cref="AppContext.BaseDirectory"/>.</param>
    public AssetLocator(Func<string, string?>? getVariable = null, string? baseDirectory = null)
    {
        _getVariable = getVariable ?? Environment.GetEnvironmentVariable;
        _baseDirectory = Path.GetFullPath(baseDirectory ?? AppContext.BaseDirectory);
    }

    /// <summary>The folder holding the self-contained linux-x64 agent (<c>AgentLaunch.BundleDirectory</c>).</summary>
    /// <exception cref="LocalKubeException"><see cref="Reasons.AssetNotFound"/> naming every place searched.</exception>
    public string GetNodeBundleDirectory() => Find(
        "node agent bundle",
        artifacts => Path.Combine(artifacts, "node", "linux-x64"),
        repository => Path.Combine(repository, "artifacts", "node", "linux-x64"),
        candidate => File.Exists(Path.Combine(candidate, AgentExecutable)),
        $"(containing {AgentExecutable})");

    /// <summary>The folder holding the node image recipe (build context of the node image).</summary>
    /// <exception cref="LocalKubeException"><see cref="Reasons.AssetNotFound"/> naming every place searched.</exception>
    public string GetNodeImageRecipeDirectory() => Find(
        "node image recipe",
        artifacts => Path.Combine(artifacts, "images", "node"),
        repository => Path.Combine(repository, "images", "node"),
        Directory.Exists,
        "");

    private string Find(string what, Func<string, string> inArtifacts, Func<string, string> inRepository, Func<string, bool> isThere, string detail)
    {
        var searched = new List<string>();
        var fromVariable = _getVariable(AssetsVariable);
        if (!string.IsNullOrWhiteSpace(fromVariable))
        {
            var candidate = inArtifacts(Path.GetFullPath(fromVariable));
            if (isThere(candidate))
            {
                return candidate;
            }

            throw NotFound(what, detail, [$"{candidate} (from {AssetsVariable})"]);
        }

        var published = Path.GetDirectoryName(_baseDirectory.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        if (published is not null)
        {
            var candidate = inArtifacts(published);
            if (isThere(candidate))
            {
                return candidate;
            }

            searched.Add($"{candidate} (beside the CLI)");
        }

        for (var folder = new DirectoryInfo(_baseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "LocalKube.sln")))
            {
                var candidate = inRepository(folder.FullName);
                if (isThere(candidate))
                {
                    return candidate;
                }

                searched.Add($"{candidate} (source checkout)");
                break;
            }
        }

        if (searched.Count < 2)
        {
            searched.Add($"no LocalKube.sln above {_baseDirectory}");
        }

        throw NotFound(what, detail, searched);
    }

    private static LocalKubeException NotFound(string what, string detail, IReadOnlyList<string> searched) =>
        new(Reasons.AssetNotFound, $"Cannot find the {what}{(detail.Length > 0 ? " " + detail : "")}. Looked in:\n  - {string.Join("\n  - ", searched)}");
}
