namespace LocalKube.Node.Kubelet.Runtime;

/// <summary>A container's runtime state (the CRI's ContainerState).</summary>
public enum ContainerState
{
    /// <summary>Created, never started.</summary>
    Created,

    /// <summary>Running.</summary>
    Running,

    /// <summary>Exited (or failed to start).</summary>
    Exited,

    /// <summary>The runtime cannot tell.</summary>
    Unknown,
}
