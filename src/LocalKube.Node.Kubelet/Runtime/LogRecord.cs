namespace LocalKube.Node.Kubelet.Runtime;

/// <summary>One log line as the runtime stored it.</summary>
/// <param name="Time">When the container wrote it (nanosecond precision is kept in <paramref name="TimeText"/>).</param>
/// <param name="TimeText">The runtime's RFC 3339 timestamp text, with its full precision.</param>
/// <param name="Stream">stdout or stderr.</param>
/// <param name="Line">The bytes, with the trailing newline when the line was complete.</param>
public sealed record LogRecord(DateTimeOffset Time, string TimeText, OutputStream Stream, ReadOnlyMemory<byte> Line);
