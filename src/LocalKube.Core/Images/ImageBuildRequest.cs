namespace LocalKube.Core.Images;

/// <summary>What <c>image build</c> builds.</summary>
/// <param name="ContextDirectory">The build context, sent to the node's engine as a tar stream.</param>
public sealed record ImageBuildRequest(string ContextDirectory)
{
    /// <summary><c>-t</c>: the tags to give the image.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary><c>-f</c>: the Dockerfile, relative to the context (default <c>Dockerfile</c>).</summary>
    public string? Dockerfile { get; init; }

    /// <summary><c>--build-env</c>: environment variables of the build (<c>KEY=value</c>).</summary>
    public IReadOnlyList<string> Environment { get; init; } = [];

    /// <summary><c>--build-opt</c>: extra <c>docker build</c> flags (<c>key=value</c> becomes <c>--key=value</c>).</summary>
    public IReadOnlyList<string> Options { get; init; } = [];

    /// <summary>Where the build's output goes.</summary>
    public Stream? Output { get; init; }
}
