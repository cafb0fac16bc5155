using k8s.Models;
using LocalKube.Node.Kubelet.Runtime;

namespace LocalKube.Node.Kubelet.Server;

/// <summary>What the kubelet's HTTP API reads from the running kubelet: its pods, their latest status, the runtime.</summary>
public interface IKubeletPodSource
{
    /// <summary>This node's name.</summary>
    string NodeName { get; }

    /// <summary>The container runtime the pods run on.</summary>
    IContainerRuntime Runtime { get; }

    /// <summary>The pods the kubelet runs now (API and static pods), as it received them.</summary>
    IReadOnlyCollection<V1Pod> Pods { get; }

    /// <summary>The kubelet's latest status of a pod; null before its first sync.</summary>
    V1PodStatus? GetStatus(string podUid);
}
