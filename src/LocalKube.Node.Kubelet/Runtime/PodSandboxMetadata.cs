namespace LocalKube.Node.Kubelet.Runtime;

/// <summary>A sandbox's pod identity; <paramref name="Attempt"/> counts sandboxes made for the pod.</summary>
public sealed record PodSandboxMetadata(string Name, string Namespace, string Uid, int Attempt);
