namespace LocalKube.Node.ApiServer.Authorization;

/// <summary>The kinds of object the node graph relates to nodes (upstream's vertex types).</summary>
public enum NodeGraphKind
{
    /// <summary>A pod, bound to a node by <c>spec.nodeName</c>.</summary>
    Pod,

    /// <summary>A Secret.</summary>
    Secret,

    /// <summary>A ConfigMap.</summary>
    ConfigMap,

    /// <summary>A PersistentVolumeClaim.</summary>
    PersistentVolumeClaim,

    /// <summary>A PersistentVolume, related through the claim it is bound to.</summary>
    PersistentVolume,

    /// <summary>A ServiceAccount.</summary>
    ServiceAccount,

    /// <summary>A ResourceClaim.</summary>
    ResourceClaim,

    /// <summary>A VolumeAttachment, bound to a node by <c>spec.nodeName</c>.</summary>
    VolumeAttachment,
}
