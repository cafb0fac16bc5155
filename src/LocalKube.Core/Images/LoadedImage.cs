namespace LocalKube.Core.Images;

/// <summary>The outcome of one <c>image load</c> source.</summary>
/// <param name="Source">The argument as given.</param>
/// <param name="Images">What the node's engine reported loading (<c>Loaded image: ...</c>), or the image skipped.</param>
/// <param name="Skipped">Why nothing was sent (already there), or null when it was loaded.</param>
public sealed record LoadedImage(string Source, IReadOnlyList<string> Images, string? Skipped);
