using System.Formats.Tar;
using System.IO.Pipes;
using System.Text.Json;
using LocalKube.Abstractions.Drivers;
using LocalKube.Abstractions.Errors;
using LocalKube.Core.Cluster;
using LocalKube.Core.Nodes;
using Microsoft.Extensions.Logging;

namespace LocalKube.Core.Images;

/// <summary>
/// Images in the node's own Docker Engine, where pods run (<c>localkube image load|ls|rm|build</c>). Everything goes
/// through the node's docker CLI over the driver's shell, streamed: an image is piped from the host's
/// <c>docker save</c> (or a file, or stdin) into the node's <c>docker load</c>, never staged whole on disk.
/// </summary>
public sealed partial class NodeImages(ClusterManager clusters, HostDocker host, ILogger<NodeImages> logger)
{
    private const string LoadedPrefix = "Loaded image: ";
    private const string LoadedIdPrefix = "Loaded image ID: ";

    /// <summary>Loads each source into the node, in order; stops at the first failure.</summary>
    public async Task<IReadOnlyList<LoadedImage>> LoadAsync(string profile, ImageLoadRequest request, IProgress<string> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Sources.Count == 0)
        {
            throw new LocalKubeException(Reasons.Usage, "Please provide an image in your local daemon, a path to an image tarball, or '-' to load from stdin.");
        }

        var sources = request.Sources.Select(ImageSource.Parse).ToList();
        var node = await clusters.OpenNodeAsync(profile, containerEngine: true, cancellationToken);
        var results = new List<LoadedImage>();
        foreach (var source in sources)
        {
            results.Add(source.Kind switch
            {
                ImageSourceKind.Stdin => await LoadArchiveAsync(node, source.Text, Tracked(request, source.Text, request.OpenStdin(), null), cancellationToken),
                ImageSourceKind.Archive => await LoadFileAsync(node, source.Text, request, progress, cancellationToken),
                _ => await LoadFromHostAsync(node, source.Text, request, progress, cancellationToken),
            });
        }

        return results;
    }

    /// <summary>The node's tagged images, sorted by their first tag.</summary>
    public async Task<IReadOnlyList<NodeImageInfo>> ListAsync(string profile, CancellationToken cancellationToken)
    {
        var node = await clusters.OpenNodeAsync(profile, containerEngine: true, cancellationToken);
        const string script = "ids=$(docker images --quiet --no-trunc | sort -u); if [ -z \"$ids\" ]; then echo '[]'; else docker image inspect $ids; fi";
        var result = await node.CaptureAsync(["sh", "-c", script], cancellationToken);
        if (!result.Succeeded)
        {
            throw new LocalKubeException(Reasons.ImageList, $"Cannot list the images of the node's Docker Engine: {result.Message}");
        }

        return ParseInspect(result.Stdout);
    }

    /// <summary>Removes images from the node (<c>docker rmi</c>); fails naming the images it could not remove.</summary>
    public async Task RemoveAsync(string profile, IReadOnlyList<string> images, CancellationToken cancellationToken)
    {
        if (images.Count == 0)
        {
            throw new LocalKubeException(Reasons.Usage, "Please provide one or more images to remove.");
        }

        var node = await clusters.OpenNodeAsync(profile, containerEngine: true, cancellationToken);
        var result = await node.CaptureAsync(["docker", "rmi", .. images], cancellationToken);
        if (!result.Succeeded)
        {
            throw new LocalKubeException(Reasons.ImageRemove, $"Failed to remove images for profile {profile}: {result.Message}");
        }
    }

    /// <summary>
    /// Builds with the node's engine from a context directory streamed as a tar (the image is at once where pods
    /// run); the build's output goes to <see cref="ImageBuildRequest.Output"/>.
    /// </summary>
    public async Task BuildAsync(string profile, ImageBuildRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var context = Path.GetFullPath(request.ContextDirectory);
        if (!Directory.Exists(context))
        {
            throw new LocalKubeException(Reasons.Usage, $"The build context {request.ContextDirectory} is not a directory.");
        }

        var dockerfile = DockerfileInContext(context, request.Dockerfile);
        var arguments = BuildArguments(request, dockerfile);
        var node = await clusters.OpenNodeAsync(profile, containerEngine: true, cancellationToken);
        using var pipe = new AnonymousPipeServerStream(PipeDirection.Out);
        using var reader = new AnonymousPipeClientStream(PipeDirection.In, pipe.ClientSafePipeHandle);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writer = WriteContextAsync(context, pipe, linked.Token);
        int code;
        try
        {
            code = await node.RunAsync(new NodeCommand(arguments)
            {
                Stdin = reader,
                Stdout = request.Output,
                Stderr = request.Output,
                Environment = request.Environment,
            }, cancellationToken);
        }
        finally
        {
            await linked.CancelAsync();
            await ObserveAsync(writer);
        }

        if (code != 0)
        {
            throw new LocalKubeException(Reasons.ImageBuild, $"Failed to build image for profile {profile}: docker build exited with code {code}.");
        }
    }

    /// <summary>The node's <c>docker build</c> command line, reading the context as a tar from stdin.</summary>
    internal static IReadOnlyList<string> BuildArguments(ImageBuildRequest request, string? dockerfile)
    {
        var arguments = new List<string> { "docker", "build" };
        foreach (var tag in request.Tags)
        {
            arguments.Add("--tag");
            arguments.Add(tag);
        }

        if (dockerfile is not null)
        {
            arguments.Add("--file");
            arguments.Add(dockerfile);
        }

        foreach (var option in request.Options)
        {
            var trimmed = option.TrimStart('-');
            if (trimmed.Length == 0)
            {
                throw new LocalKubeException(Reasons.Usage, $"--build-opt '{option}' names no flag (format: key=value).");
            }

            arguments.Add("--" + trimmed);
        }

        arguments.Add("-");
        return arguments;
    }

    /// <summary>The Dockerfile's path inside the context (tar paths use '/'); it must lie inside the context.</summary>
    internal static string? DockerfileInContext(string context, string? dockerfile)
    {
        if (string.IsNullOrEmpty(dockerfile))
        {
            return File.Exists(Path.Combine(context, "Dockerfile")) ? null
                : throw new LocalKubeException(Reasons.Usage, $"No Dockerfile in {context}; pass its path with --file.");
        }

        var inContext = Path.GetFullPath(Path.Combine(context, dockerfile));
        var full = File.Exists(inContext) ? inContext : Path.GetFullPath(dockerfile);
        var relative = Path.GetRelativePath(context, full);
        if (!File.Exists(full) || relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative))
        {
            throw new LocalKubeException(Reasons.Usage, $"The Dockerfile {dockerfile} must be a file inside the build context {context}.");
        }

        return relative.Replace(Path.DirectorySeparatorChar, '/');
    }

    /// <summary>Parses <c>docker image inspect</c> output into the CRI's view, sorted by first tag (untagged last).</summary>
    internal static IReadOnlyList<NodeImageInfo> ParseInspect(string json)
    {
        using var document = JsonDocument.Parse(json);
        var images = new List<NodeImageInfo>();
        foreach (var image in document.RootElement.EnumerateArray())
        {
            var tags = Strings(image, "RepoTags").Select(ImageNames.WithRegistry).ToList();
            var digests = Strings(image, "RepoDigests").Select(ImageNames.WithRegistry).ToList();
            var size = image.TryGetProperty("Size", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt64() : 0;
            images.Add(new NodeImageInfo(image.GetProperty("Id").GetString() ?? "", tags, digests, size));
        }

        return images
            .OrderBy(i => i.RepoTags.Count == 0 ? 1 : 0)
            .ThenBy(i => i.RepoTags.FirstOrDefault() ?? i.Id, StringComparer.Ordinal)
            .ToList();
    }

    private static IEnumerable<string> Strings(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Select(v => v.GetString()).OfType<string>()
            : [];

    // The archive as the node reads it, reporting to the request's transfer progress when it has one.
    private static Stream Tracked(ImageLoadRequest request, string source, Stream archive, long? total) =>
        request.Transfer is not { } transfer ? archive
            : new ProgressReadStream(archive, sent => transfer.Report(new ImageTransfer(source, sent, total)), TimeProvider.System);

    private async Task<LoadedImage> LoadFileAsync(NodeAccess node, string path, ImageLoadRequest request, IProgress<string> progress, CancellationToken cancellationToken)
    {
        Stream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LocalKubeException(Reasons.ImageLoad, $"Cannot read {path}: {e.Message}", e);
        }

        await using (file)
        {
            progress.Report($"Loading {path} ({Bytes(file.Length)}) into the node");
            return await LoadArchiveAsync(node, path, Tracked(request, path, file, file.Length), cancellationToken);
        }
    }

    /// <summary>Pipes a <c>docker save</c> archive into the node's <c>docker load</c>.</summary>
    private async Task<LoadedImage> LoadArchiveAsync(NodeAccess node, string source, Stream archive, CancellationToken cancellationToken)
    {
        var result = await node.CaptureAsync(["docker", "load"], cancellationToken, archive);
        if (!result.Succeeded)
        {
            // docker load tags nothing when it fails, so no partial image is left under the name.
            throw new LocalKubeException(Reasons.ImageLoad, $"Failed to load {(source == ImageSource.StdinName ? "the image archive from stdin" : source)} into the node: {result.Message}");
        }

        var loaded = ParseLoaded(result.Stdout);
        Log.Loaded(logger, source, string.Join(", ", loaded));
        return new LoadedImage(source, loaded, null);
    }

    private async Task<LoadedImage> LoadFromHostAsync(NodeAccess node, string image, ImageLoadRequest request, IProgress<string> progress, CancellationToken cancellationToken)
    {
        var hostImage = await host.InspectAsync(image, cancellationToken);
        if (hostImage is null && request.Pull)
        {
            progress.Report($"Pulling {image} into the host's Docker");
            if (await host.PullAsync(image, cancellationToken) is { } pullError)
            {
                throw new LocalKubeException(Reasons.ImageLoad, $"Cannot pull {image}: {pullError}");
            }

            hostImage = await host.InspectAsync(image, cancellationToken);
        }

        if (hostImage is null)
        {
            throw new LocalKubeException(Reasons.ImageLoad,
                $"The image {image} is not in the host's Docker ('docker images' lists what it has; no file of that name exists either). Build or pull it first, or pass a 'docker save' archive.");
        }

        var inNode = await node.CaptureAsync(["docker", "image", "inspect", "--format", "{{.Id}}", image], cancellationToken);
        var nodeId = inNode.Succeeded ? inNode.Stdout.Trim() : null;
        if (nodeId == hostImage.Id)
        {
            return new LoadedImage(image, [image], "the node already has this image");
        }

        if (nodeId is not null && !request.Overwrite)
        {
            return new LoadedImage(image, [image], "the node has another image under this name and --overwrite=false");
        }

        progress.Report($"Loading {image} ({hostImage.Id[..Math.Min(19, hostImage.Id.Length)]}, {Bytes(hostImage.Size)}) into the node");
        NodeCommandResult? load = null;
        var saveError = await host.SaveAsync(image, async (stream, ct) =>
            load = await node.CaptureAsync(["docker", "load"], ct, Tracked(request, image, stream, hostImage.Size)), cancellationToken);
        if (load is { Succeeded: false })
        {
            throw new LocalKubeException(Reasons.ImageLoad, $"Failed to load {image} into the node: {load.Message}");
        }

        if (saveError is not null || load is null)
        {
            throw new LocalKubeException(Reasons.ImageLoad, $"Failed to read {image} from the host's Docker: {saveError}");
        }

        var loaded = ParseLoaded(load.Stdout);
        Log.Loaded(logger, image, string.Join(", ", loaded));
        return new LoadedImage(image, loaded, null);
    }

    private static List<string> ParseLoaded(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.StartsWith(LoadedPrefix, StringComparison.Ordinal) ? line[LoadedPrefix.Length..]
                : line.StartsWith(LoadedIdPrefix, StringComparison.Ordinal) ? line[LoadedIdPrefix.Length..] : null)
            .OfType<string>()
            .ToList();

    private static async Task WriteContextAsync(string context, Stream destination, CancellationToken cancellationToken)
    {
        try
        {
            // GNU format, not TarFile's PAX: docker build recognises a tar context on stdin from its first header
            // block, and a PAX extended header there makes it read the whole stream as a Dockerfile.
            await using var writer = new TarWriter(destination, TarEntryFormat.Gnu, leaveOpen: true);
            foreach (var path in Directory.EnumerateFileSystemEntries(context, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var name = Path.GetRelativePath(context, path).Replace(Path.DirectorySeparatorChar, '/');
                await writer.WriteEntryAsync(path, Directory.Exists(path) && !File.GetAttributes(path).HasFlag(FileAttributes.ReparsePoint) ? name + "/" : name, cancellationToken);
            }
        }
        finally
        {
            // End of the tar stream for the reader, also when writing failed (the build then fails on a short context).
            await destination.DisposeAsync();
        }
    }

    private static async Task ObserveAsync(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The build ended before it read the whole context; its exit code says why.
        }
    }

    internal static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.0} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0} MiB",
        >= 1L << 10 => $"{bytes / (double)(1L << 10):0.0} KiB",
        _ => $"{bytes} B",
    };

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Source} into the node: {Images}")]
        public static partial void Loaded(ILogger logger, string source, string images);
    }
}
