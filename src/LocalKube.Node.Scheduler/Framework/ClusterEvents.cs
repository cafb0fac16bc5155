namespace LocalKube.Node.Scheduler.Framework;

/// <summary>
/// Changes that can make a rejected pod schedulable (kube-scheduler <c>ClusterEvent</c>). Each plugin registers
/// the events that can undo its rejections; the queue moves a pod back only on an event of a plugin that rejected it.
/// </summary>
[Flags]
public enum ClusterEvents
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>A node was added.</summary>
    NodeAdd = 1 << 0,

    /// <summary>A node's labels changed.</summary>
    NodeLabel = 1 << 1,

    /// <summary>A node's taints or <c>spec.unschedulable</c> changed.</summary>
    NodeTaint = 1 << 2,

    /// <summary>A node's allocatable resources changed.</summary>
    NodeAllocatable = 1 << 3,

    /// <summary>A node's conditions or images changed.</summary>
    NodeOther = 1 << 4,

    /// <summary>A pod was bound (or assumed) to a node.</summary>
    AssignedPodAdd = 1 << 5,

    /// <summary>A bound pod was deleted or finished.</summary>
    AssignedPodDelete = 1 << 6,

    /// <summary>A bound pod's labels changed.</summary>
    AssignedPodLabel = 1 << 7,

    /// <summary>A bound pod's requests shrank.</summary>
    AssignedPodScaleDown = 1 << 8,

    /// <summary>A PersistentVolumeClaim was added or changed.</summary>
    Claim = 1 << 9,

    /// <summary>A PersistentVolume was added or changed.</summary>
    Volume = 1 << 10,

    /// <summary>A StorageClass was added or changed.</summary>
    StorageClass = 1 << 11,

    /// <summary>A namespace's labels changed.</summary>
    NamespaceLabel = 1 << 12,

    /// <summary>The unscheduled pod itself changed (tolerations, labels, scheduling gates, requests).</summary>
    PodUpdate = 1 << 13,

    /// <summary>Every event: a timeout flush or a forced move.</summary>
    All = ~0,
}
