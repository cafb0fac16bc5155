using System.Text.Json;
using LocalKube.Abstractions.Drivers;
using LocalKube.Abstractions.Errors;

namespace LocalKube.Drivers.Vm.Image;

/// <summary>
/// The VM node image: <c>&lt;cache&gt;/&lt;recipe hash&gt;/</c>, built from the same recipe as the container image
/// (<c>images/node/build.sh --vm</c>) the first time a VM driver needs it, and reused while the recipe is unchanged.
/// </summary>
public sealed class VmNodeImage(VmImageOptions options)
{
    // One build at a time per process; build.sh also takes a host-wide lock for concurrent CLIs.
    private static readonly SemaphoreSlim BuildGate = new(1, 1);

    /// <summary>The recipe folder.</summary>
    public string RecipeDirectory => NodeImageRecipe.ResolveDirectory(options.RecipeDirectory, options.GetEnvironmentVariable);

    /// <summary>The folder the image for the current recipe lives in (whether or not it is built).</summary>
    public string Directory => Path.Combine(options.ResolveCacheDirectory(), NodeImageRecipe.ComputeHash(RecipeDirectory));

    /// <summary>The image for the current recipe when it is built, else null.</summary>
    public VmImageFiles? Find() => Load(Directory);

    /// <summary>Returns the image for the current recipe, building it first when it is missing.</summary>
    /// <exception cref="LocalKubeException"><see cref="Reasons.NodeImageBuild"/> when the build fails.</exception>
    public async Task<VmImageFiles> EnsureAsync(IProgress<string> progress, CancellationToken cancellationToken)
    {
        var directory = Directory;
        if (Load(directory) is { } existing)
        {
            return existing;
        }

        await BuildGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Load(directory) is { } built)
            {
                return built;
            }

            progress.Report($"Building the VM node image in {directory} (first start only; about a minute)...");
            await NodeImageRecipe.BuildAsync(RecipeDirectory, ["--vm", directory], new Dictionary<string, string?>(),
                "the VM node image", progress, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            BuildGate.Release();
        }

        return Load(directory) ?? throw new LocalKubeException(Reasons.NodeImageBuild,
            $"build.sh succeeded but wrote no VM image manifest in {directory}.");
    }

    /// <summary>The image in <paramref name="directory"/>, or null when it has no manifest (not built, or half-built).</summary>
    /// <exception cref="LocalKubeException"><see cref="Reasons.NodeImageBuild"/> for an unreadable manifest.</exception>
    public static VmImageFiles? Load(string directory)
    {
        var manifest = Path.Combine(directory, "manifest.json");
        if (!File.Exists(manifest))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(manifest));
            var kernel = document.RootElement.GetProperty("kernel").GetString() ?? "";
            return new VmImageFiles(Path.GetFullPath(directory), Path.GetFileName(Path.TrimEndingDirectorySeparator(directory)), kernel);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new LocalKubeException(Reasons.NodeImageBuild,
                $"The VM image manifest {manifest} is unreadable ({e.Message}); remove {directory} to rebuild it.", e);
        }
    }
}
