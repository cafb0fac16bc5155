namespace LocalKube.Node.ApiServer.Authorization;

/// <summary>One object of the node graph: its kind, namespace (empty when cluster-scoped) and name.</summary>
/// <param name="Kind">What the object is.</param>
/// <param name="Namespace">Its namespace; empty for PersistentVolumes and VolumeAttachments.</param>
/// <param name="Name">Its name.</param>
public readonly record struct NodeGraphVertex(NodeGraphKind Kind, string Namespace, string Name);
