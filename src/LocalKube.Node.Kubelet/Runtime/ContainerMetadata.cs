namespace LocalKube.Node.Kubelet.Runtime;

/// <summary>A container's name in its pod and its attempt number (the restart count of that container).</summary>
public sealed record ContainerMetadata(string Name, int Attempt);
