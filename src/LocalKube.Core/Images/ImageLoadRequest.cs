namespace LocalKube.Core.Images;

/// <summary>What <c>image load</c> loads and how.</summary>
/// <param name="Sources">Each an image in the host's Docker, a <c>docker save</c> archive file, or <c>-</c> (stdin).</param>
public sealed record ImageLoadRequest(IReadOnlyList<string> Sources)
{
    /// <summary>Replace a tag the node already has with another image (minikube's <c>--overwrite</c>, default true).</summary>
    public bool Overwrite { get; init; } = true;

    /// <summary>Pull a named image into the host's Docker first (<c>--pull</c>).</summary>
    public bool Pull { get; init; }

    /// <summary>Opens the archive given as <c>-</c>.</summary>
    public Func<Stream> OpenStdin { get; init; } = Console.OpenStandardInput;

    /// <summary>Receives the bytes sent of each archive as it streams into the node (a terminal's progress bar).</summary>
    public IProgress<ImageTransfer>? Transfer { get; init; }
}
