namespace LocalKube.Node.Kubelet.Lifecycle;

/// <summary>What one sync of a pod must do (upstream's <c>podActions</c>).</summary>
public sealed class PodActions
{
    /// <summary>Stop every container and the sandbox (the sandbox changed, or nothing is left to run).</summary>
    public bool KillPod { get; set; }

    /// <summary>Make a new sandbox.</summary>
    public bool CreateSandbox { get; set; }

    /// <summary>The current sandbox (to kill or to use).</summary>
    public string SandboxId { get; set; } = "";

    /// <summary>The attempt of the sandbox to create.</summary>
    public int Attempt { get; set; }

    /// <summary>Indexes of init containers to start, in spec order.</summary>
    public List<int> InitContainersToStart { get; } = [];

    /// <summary>Indexes of app containers to start.</summary>
    public List<int> ContainersToStart { get; } = [];

    /// <summary>Indexes of ephemeral containers to start (never started before; they never restart).</summary>
    public List<int> EphemeralContainersToStart { get; } = [];

    /// <summary>Running containers to stop first.</summary>
    public List<ContainerToKill> ContainersToKill { get; } = [];

    /// <summary>Whether the sync has nothing to do in the runtime (the pod runs as it should).</summary>
    public bool IsEmpty => !KillPod && !CreateSandbox && InitContainersToStart.Count == 0 && ContainersToStart.Count == 0
        && EphemeralContainersToStart.Count == 0 && ContainersToKill.Count == 0;
}
