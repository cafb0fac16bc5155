namespace LocalKube.Core.Images;

/// <summary>How far an image archive has gone into the node (for a progress bar).</summary>
/// <param name="Source">The image or file being loaded.</param>
/// <param name="Sent">Bytes sent so far.</param>
/// <param name="Total">The expected size; null when unknown (stdin). For a host image it is Docker's size, so the
/// archive may end a little past it.</param>
public sealed record ImageTransfer(string Source, long Sent, long? Total);
