namespace LocalKube.Node.Kubelet.Runtime;

/// <summary>Which stream a chunk of output or a log record came from.</summary>
public enum OutputStream
{
    /// <summary>Standard output (also everything from a terminal).</summary>
    Stdout,

    /// <summary>Standard error.</summary>
    Stderr,
}
