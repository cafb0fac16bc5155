namespace LocalKube.Core.Nodes;

/// <summary>The outcome of a command run in a node with its output captured.</summary>
public sealed record NodeCommandResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Whether it exited 0.</summary>
    public bool Succeeded => ExitCode == 0;

    /// <summary>Stderr, else stdout, trimmed: the text for an error message.</summary>
    public string Message => string.IsNullOrWhiteSpace(Stderr) ? Stdout.Trim() : Stderr.Trim();
}
