namespace LocalKube.Node.Kubelet.Runtime;

/// <summary>A terminal size in characters.</summary>
public readonly record struct TerminalSize(int Width, int Height);
