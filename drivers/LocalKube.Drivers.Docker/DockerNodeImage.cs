using System.Security.Cryptography;
using System.Text;
using CliWrap;
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
    public static string ComputeTag(string recipeDirectory, string repository = "localkube/node")
    {
        if (!File.Exists(Path.Combine(recipeDirectory, "build.sh")))
        {
            throw new LocalKubeException(Reasons.AssetNotFound,
                $"The node image recipe is missing: no build.sh in {recipeDirectory}.");
        }

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var files = Directory.EnumerateFiles(recipeDirectory, "*", SearchOption.AllDirectories)
            .Select(f => (Name: Path.GetRelativePath(recipeDirectory, f).Replace('\\', '/'), Path: f))
            .OrderBy(f => f.Name, StringComparer.Ordinal);
        foreach (var (name, path) in files)
        {
            var bytes = File.ReadAllBytes(path);
            sha.AppendData(Encoding.UTF8.GetBytes($"{name}\0{bytes.Length}\0"));
            sha.AppendData(bytes);
        }

        return $"{repository}:{Convert.ToHexStringLower(sha.GetHashAndReset())[..12]}";
    }

    /// <summary>
    /// Returns the image to run. A <paramref name="baseImage"/> (<c>--base-image</c>) is used as is and must exist
    /// locally (no registry is assumed). Otherwise the built-in image is built when missing, streaming build.sh's
    /// output lines to <paramref name="progress"/>.
    /// </summary>
    public async Task<string> EnsureAsync(string? baseImage, IProgress<string> progress, CancellationToken cancellationToken)
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
                await BuildAsync(recipe, tag, progress, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            BuildGate.Release();
        }

        return tag;
    }

    private async Task BuildAsync(string recipe, string tag, IProgress<string> progress, CancellationToken cancellationToken)
    {
        var endpoint = await _connection.GetEndpointAsync(cancellationToken).ConfigureAwait(false);
        progress.Report($"Building node image {tag} (first start only; about a minute)...");
        var errors = new Queue<string>();
        var result = await Cli.Wrap("/bin/sh")
            .WithArguments([Path.Combine(recipe, "build.sh"), tag])
            .WithWorkingDirectory(recipe)
            // The script's docker CLI must talk to the engine this driver resolved.
            .WithEnvironmentVariables(env => env.Set("DOCKER_HOST", endpoint.Endpoint.ToString()))
            .WithStandardOutputPipe(PipeTarget.ToDelegate(progress.Report))
            .WithStandardErrorPipe(PipeTarget.ToDelegate(line =>
            {
                progress.Report(line);
                lock (errors)
                {
                    errors.Enqueue(line);
                    if (errors.Count > 20)
                    {
                        errors.Dequeue();
                    }
                }
            }))
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync(cancellationToken)
            .ConfigureAwait(false);

        if (result.ExitCode != 0)
        {
            string tail;
            lock (errors)
            {
                tail = string.Join(Environment.NewLine, errors);
            }

            throw new LocalKubeException(Reasons.NodeImageBuild,
                $"Building the node image {tag} failed (build.sh exit code {result.ExitCode}):{Environment.NewLine}{tail}");
        }
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
