using CliWrap;
using LocalKube.Abstractions.Drivers;
using LocalKube.Abstractions.Errors;

namespace LocalKube.Drivers.Docker;

/// <summary>
/// The node image: <c>localkube/node:&lt;12 hex of SHA-256 over the recipe's file names and contents&gt;</c>, built
/// locally from the recipe (<c>images/node/build.sh</c>, Debian packages only) the first time it is needed.
/// </summary>
public sealed class DockerNodeImage
{
    // One build at a time per process; build.sh also takes a host-wide lock for concurrent CLIs.
    private static readonly SemaphoreSlim BuildGate = new(1, 1);

    private readonly DockerDriverOptions _options;
    private readonly DockerConnection _connection;

    /// <summary>Creates the image helper with its own engine connection.</summary>
    public DockerNodeImage(DockerDriverOptions options)
        : this(new DockerConnection(options))
    {
    }

    internal DockerNodeImage(DockerConnection connection)
    {
        _connection = connection;
        _options = connection.Options;
    }

    /// <summary>The tag of the built-in image for the configured recipe folder.</summary>
    public string Tag => ComputeTag(_options.ResolveRecipeDirectory(), _options.ImageRepository);

    /// <summary>
    /// <c>REPOSITORY:&lt;first 12 hex of SHA-256&gt;</c> over every file under <paramref name="recipeDirectory"/>: its
    /// relative name and contents, in ordinal order, so any change to the recipe gives a new tag.
    /// </summary>
    public static string ComputeTag(string recipeDirectory, string repository = "localkube/node") =>
        $"{repository}:{NodeImageRecipe.ComputeHash(recipeDirectory)}";

    /// <summary>
    /// Returns the image to run. A <paramref name="baseImage"/> (<c>--base-image</c>) is used as is and must exist
    /// locally (no registry is assumed). Otherwise the built-in image is built when missing, streaming build.sh's
    /// output lines to <paramref name="progress"/>.
    /// </summary>
    public Task<string> EnsureAsync(string? baseImage, IProgress<string> progress, CancellationToken cancellationToken) =>
        EnsureAsync(baseImage, null, progress, cancellationToken);

    /// <summary>
    /// Like <see cref="EnsureAsync(string?, IProgress{string}, CancellationToken)"/>; when the image has to be built and
    /// <paramref name="vmDirectory"/> is set, the same run (one debootstrap) also writes the VM image there.
    /// </summary>
    public async Task<string> EnsureAsync(string? baseImage, string? vmDirectory, IProgress<string> progress, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(baseImage))
        {
            return await ExistsAsync(baseImage, cancellationToken).ConfigureAwait(false)
                ? baseImage
                : throw new LocalKubeException(Reasons.GuestProvision,
                    $"The base image {baseImage} is not in the local Docker engine, and LocalKube does not pull images. Load it first ('docker load' or 'docker build'), or omit --base-image to use the built-in node image.");
        }

        var recipe = _options.ResolveRecipeDirectory();
        var tag = ComputeTag(recipe, _options.ImageRepository);
        if (await ExistsAsync(tag, cancellationToken).ConfigureAwait(false))
        {
            return tag;
        }

        await BuildGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!await ExistsAsync(tag, cancellationToken).ConfigureAwait(false))
            {
                await BuildAsync(recipe, tag, vmDirectory, progress, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            BuildGate.Release();
        }

        return tag;
    }

    private async Task BuildAsync(string recipe, string tag, string? vmDirectory, IProgress<string> progress, CancellationToken cancellationToken)
    {
        var endpoint = await _connection.GetEndpointAsync(cancellationToken).ConfigureAwait(false);
        progress.Report($"Building node image {tag} (first start only; about a minute)...");
        string[] arguments = vmDirectory is null ? [tag] : [tag, "--vm", vmDirectory];
        // The script's docker CLI must talk to the engine this driver resolved.
        var environment = new Dictionary<string, string?> { ["DOCKER_HOST"] = endpoint.Endpoint.ToString() };
        await NodeImageRecipe.BuildAsync(recipe, arguments, environment, $"the node image {tag}", progress, cancellationToken)
            .ConfigureAwait(false);
    }

    private async Task<bool> ExistsAsync(string image, CancellationToken cancellationToken)
    {
        var client = await _connection.GetClientAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await client.Images.InspectImageAsync(image, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (DockerErrors.IsNotFound(e))
        {
            return false;
        }
    }
}
