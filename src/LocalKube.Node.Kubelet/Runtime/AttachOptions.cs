namespace LocalKube.Node.Kubelet.Runtime;

/// <summary>An attach to a container's main process (kubectl attach).</summary>
/// <param name="Stdin">Wire stdin (the container must have been created with stdin).</param>
/// <param name="Stdout">Wire stdout.</param>
/// <param name="Stderr">Wire stderr.</param>
/// <param name="Tty">The container runs with a terminal (streams are not multiplexed then).</param>
public sealed record AttachOptions(bool Stdin, bool Stdout, bool Stderr, bool Tty);
