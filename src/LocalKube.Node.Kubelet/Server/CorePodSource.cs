using k8s.Models;
using LocalKube.Node.Kubelet.Runtime;

namespace LocalKube.Node.Kubelet.Server;

/// <summary>The running <see cref="KubeletCore"/> as the API's pod source (no pods before it starts).</summary>
internal sealed class CorePodSource(string nodeName, IContainerRuntime runtime, Func<KubeletCore?> core) : IKubeletPodSource
{
    public string NodeName => nodeName;

    public IContainerRuntime Runtime => runtime;

    public IReadOnlyCollection<V1Pod> Pods => core()?.Pods ?? [];

    public V1PodStatus? GetStatus(string podUid) => core()?.Statuses.GetStatus(podUid);
}
