namespace LocalKube.Node.Kubelet.Runtime;

/// <summary>The result of one read from an <see cref="IRuntimeStreamSession"/>.</summary>
/// <param name="Count">Bytes placed in the buffer; 0 with <paramref name="EndOfStream"/>.</param>
/// <param name="Stream">Which stream they belong to.</param>
/// <param name="EndOfStream">The process closed its output.</param>
public readonly record struct StreamChunk(int Count, OutputStream Stream, bool EndOfStream);
