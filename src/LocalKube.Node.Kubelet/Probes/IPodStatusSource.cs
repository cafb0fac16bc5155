using k8s.Models;

namespace LocalKube.Node.Kubelet.Probes;

/// <summary>The kubelet's latest status of a pod (the status manager's cache), or null before the first sync.</summary>
public interface IPodStatusSource
{
    /// <summary>The status for <paramref name="podUid"/>.</summary>
    V1PodStatus? GetStatus(string podUid);
}
