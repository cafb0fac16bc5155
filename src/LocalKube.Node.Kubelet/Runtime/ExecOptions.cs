namespace LocalKube.Node.Kubelet.Runtime;

/// <summary>An interactive exec (kubectl exec): which streams to wire and whether to allocate a terminal.</summary>
/// <param name="Command">The command and its arguments.</param>
/// <param name="Stdin">Wire stdin.</param>
/// <param name="Stdout">Wire stdout.</param>
/// <param name="Stderr">Wire stderr (ignored with a tty: the terminal merges it into stdout).</param>
/// <param name="Tty">Allocate a terminal.</param>
/// <param name="InitialSize">The terminal size to start with, if known.</param>
public sealed record ExecOptions(
    IReadOnlyList<string> Command,
    bool Stdin,
    bool Stdout,
    bool Stderr,
    bool Tty,
    TerminalSize? InitialSize = null);
