namespace LocalKube.Abstractions.Drivers;

/// <summary>A command to run in a node through <see cref="INodeShell"/>.</summary>
/// <param name="Arguments">The program and its arguments (no shell unless the program is one).</param>
public sealed record NodeCommand(IReadOnlyList<string> Arguments)
{
    /// <summary>What the command reads; null gives it an empty stdin.</summary>
    public Stream? Stdin { get; init; }

    /// <summary>Where its stdout goes; null discards it.</summary>
    public Stream? Stdout { get; init; }

    /// <summary>Where its stderr goes; null discards it.</summary>
    public Stream? Stderr { get; init; }

    /// <summary>
    /// Attach the caller's own terminal with a TTY (an interactive shell: raw mode, resizes, Ctrl+C to the node). The
    /// streams are then unused. Only when the caller's stdin and stdout are terminals.
    /// </summary>
    public bool Terminal { get; init; }

    /// <summary>Extra environment variables for the command (<c>NAME=value</c>).</summary>
    public IReadOnlyList<string> Environment { get; init; } = [];
}
