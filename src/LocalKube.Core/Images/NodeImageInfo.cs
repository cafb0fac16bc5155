namespace LocalKube.Core.Images;

/// <summary>An image in the node's engine, as <c>image ls</c> shows it.</summary>
/// <param name="Id">The image ID (<c>sha256:...</c>).</param>
/// <param name="RepoTags">Its tags, normalised as the CRI reports them (<c>docker.io/library/nginx:latest</c>).</param>
/// <param name="RepoDigests">Its repository digests.</param>
/// <param name="Size">Its size in bytes.</param>
public sealed record NodeImageInfo(string Id, IReadOnlyList<string> RepoTags, IReadOnlyList<string> RepoDigests, long Size);
