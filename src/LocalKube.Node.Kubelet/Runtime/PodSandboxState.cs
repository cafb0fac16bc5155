namespace LocalKube.Node.Kubelet.Runtime;

/// <summary>Whether a sandbox runs (its network namespace exists) or not.</summary>
public enum PodSandboxState
{
    /// <summary>Running: containers can join it.</summary>
    Ready,

    /// <summary>Stopped, exited or being created.</summary>
    NotReady,
}
