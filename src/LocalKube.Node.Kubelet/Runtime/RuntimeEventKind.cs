namespace LocalKube.Node.Kubelet.Runtime;

/// <summary>What happened to a container.</summary>
public enum RuntimeEventKind
{
    /// <summary>Created.</summary>
    Created,

    /// <summary>Started.</summary>
    Started,

    /// <summary>Exited.</summary>
    Died,

    /// <summary>Hit its memory limit (a <see cref="Died"/> follows).</summary>
    OutOfMemory,

    /// <summary>Removed.</summary>
    Removed,
}
