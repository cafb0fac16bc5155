namespace LocalKube.Node.Kubelet.Runtime;

/// <summary>A bind mount of <paramref name="HostPath"/> (on the node) at <paramref name="ContainerPath"/>.</summary>
/// <param name="HostPath">The node path (a volume folder, a file such as the hosts file, or a hostPath).</param>
/// <param name="ContainerPath">Where it appears in the container.</param>
/// <param name="ReadOnly">Mounted read-only.</param>
/// <param name="Propagation"><c>private</c> (default), <c>rslave</c> (HostToContainer) or <c>rshared</c> (Bidirectional).</param>
public sealed record MountSpec(string HostPath, string ContainerPath, bool ReadOnly = false, string Propagation = "private");
