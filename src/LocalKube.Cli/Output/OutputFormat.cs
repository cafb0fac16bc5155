namespace LocalKube.Cli.Output;

/// <summary>The global <c>-o/--output</c> value.</summary>
public enum OutputFormat
{
    /// <summary>Human-readable text (spinners on a TTY, plain lines elsewhere).</summary>
    Text,
    /// <summary>Machine-readable JSON: one event per line for long operations, one document for queries.</summary>
    Json,
}
