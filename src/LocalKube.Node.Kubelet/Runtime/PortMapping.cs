namespace LocalKube.Node.Kubelet.Runtime;

/// <summary>A hostPort: <paramref name="HostPort"/> on the node (on <paramref name="HostIp"/>, or all addresses) to the pod's port.</summary>
public sealed record PortMapping(string Protocol, int ContainerPort, int HostPort, string HostIp);
