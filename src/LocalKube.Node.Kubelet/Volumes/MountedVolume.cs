namespace LocalKube.Node.Kubelet.Volumes;

/// <summary>A pod volume ready on the node.</summary>
/// <param name="Name">Its name in the pod.</param>
/// <param name="HostPath">Where it is on the node.</param>
/// <param name="ReadOnly">It may only be mounted read-only (secrets, configMaps, projected, downwardAPI are written by the kubelet).</param>
/// <param name="Updates">Its content is refreshed in place (..data swaps), so subPath mounts of it never update.</param>
public sealed record MountedVolume(string Name, string HostPath, bool ReadOnly, bool Updates);
