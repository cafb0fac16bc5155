namespace LocalKube.Core.Images;

/// <summary>An image in the host's Docker.</summary>
/// <param name="Id">Its ID (<c>sha256:...</c>).</param>
/// <param name="Size">Its size in bytes as Docker reports it: about what <c>docker save</c> writes.</param>
public sealed record HostImage(string Id, long Size);
