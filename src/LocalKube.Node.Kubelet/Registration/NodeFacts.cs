using k8s.Models;

namespace LocalKube.Node.Kubelet.Registration;

/// <summary>What the kubelet knows about its node beyond the machine: the runtime, readiness, images.</summary>
/// <param name="RuntimeVersion"><c>docker://20.10.24</c> (nodeInfo.containerRuntimeVersion).</param>
/// <param name="Ready">Whether the kubelet can run pods (the runtime answers).</param>
/// <param name="NotReadyMessage">Why not, e.g. <c>container runtime is down: …</c>.</param>
/// <param name="Images">The images present, largest first, at most 50.</param>
/// <param name="MaxPods">The pod capacity.</param>
public sealed record NodeFacts(string RuntimeVersion, bool Ready, string NotReadyMessage, IReadOnlyList<V1ContainerImage> Images, int MaxPods)
{
    /// <summary>Before the kubelet knows anything: ready, no runtime version, no images.</summary>
    public static NodeFacts Unknown { get; } = new("", true, "", [], NodeDescription.MaxPods);

    /// <summary>The port the kubelet's API listens on (daemonEndpoints.kubeletEndpoint.Port).</summary>
    public int KubeletPort { get; init; } = NodeDescription.KubeletPort;
}
