namespace LocalKube.Node.Kubelet.Status;

/// <summary>Pod condition types and the reasons the kubelet writes (<c>k8s: pkg/kubelet/status/generate.go</c>).</summary>
public static class PodConditionTypes
{
    /// <summary>The sandbox exists with networking.</summary>
    public const string PodReadyToStartContainers = "PodReadyToStartContainers";

    /// <summary>Init containers have completed.</summary>
    public const string Initialized = "Initialized";

    /// <summary>The pod serves.</summary>
    public const string Ready = "Ready";

    /// <summary>All containers are ready.</summary>
    public const string ContainersReady = "ContainersReady";

    /// <summary>The pod is bound to a node.</summary>
    public const string PodScheduled = "PodScheduled";

    /// <summary>The conditions the kubelet owns; others are kept as found.</summary>
    public static readonly IReadOnlySet<string> OwnedByKubelet =
        new HashSet<string>(StringComparer.Ordinal) { PodReadyToStartContainers, Initialized, Ready, ContainersReady, PodScheduled };

    /// <summary>Reason when container statuses are missing.</summary>
    public const string UnknownContainerStatuses = "UnknownContainerStatuses";

    /// <summary>Reason in a Succeeded pod.</summary>
    public const string PodCompleted = "PodCompleted";

    /// <summary>Reason in a Failed pod.</summary>
    public const string PodFailed = "PodFailed";

    /// <summary>Reason when a container is not ready.</summary>
    public const string ContainersNotReady = "ContainersNotReady";

    /// <summary>Reason when init containers have not completed.</summary>
    public const string ContainersNotInitialized = "ContainersNotInitialized";

    /// <summary>Reason when a readiness gate is not met.</summary>
    public const string ReadinessGatesNotReady = "ReadinessGatesNotReady";
}
