using LocalKube.Abstractions.Errors;

namespace LocalKube.Core.Images;

/// <summary>One <c>image load</c> argument, classified as minikube does: <c>-</c>, an existing file, else an image name.</summary>
public sealed record ImageSource(ImageSourceKind Kind, string Text)
{
    /// <summary>The argument that means stdin.</summary>
    public const string StdinName = "-";

    private static readonly string[] ArchiveSuffixes = [".tar", ".tar.gz", ".tgz", ".tar.xz", ".tar.bz2", ".tar.zst"];

    /// <summary>
    /// Classifies <paramref name="argument"/>. A path-looking argument (starting with <c>/</c>, <c>.</c> or <c>~</c>,
    /// or ending in a tar suffix) that names no file is an error rather than an image name, so a typo in a file name
    /// is never reported as a missing image.
    /// </summary>
    public static ImageSource Parse(string argument)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(argument);
        if (argument == StdinName)
        {
            return new ImageSource(ImageSourceKind.Stdin, argument);
        }

        var path = argument.StartsWith("~/", StringComparison.Ordinal)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), argument[2..])
            : argument;
        if (File.Exists(path))
        {
            return new ImageSource(ImageSourceKind.Archive, path);
        }

        if (Directory.Exists(path))
        {
            throw new LocalKubeException(Reasons.ImageLoad, $"{argument} is a directory; 'image load' takes an image, a 'docker save' archive or '-'. To build from a directory use 'localkube image build'.");
        }

        var looksLikePath = argument[0] is '/' or '.' or '~' || ArchiveSuffixes.Any(s => argument.EndsWith(s, StringComparison.OrdinalIgnoreCase));
        return looksLikePath
            ? throw new LocalKubeException(Reasons.ImageLoad, $"The archive {argument} does not exist.")
            : new ImageSource(ImageSourceKind.HostImage, argument);
    }
}
