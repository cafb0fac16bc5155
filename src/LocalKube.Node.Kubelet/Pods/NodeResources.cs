using k8s.Models;

namespace LocalKube.Node.Kubelet.Pods;

/// <summary>The node's allocatable resources and memory, as the node status reports them.</summary>
internal sealed record NodeResources(IDictionary<string, ResourceQuantity> Allocatable, long MemoryBytes)
{
    public static NodeResources Unknown { get; } = new(new Dictionary<string, ResourceQuantity>(), 0);
}
