using k8s.Models;
using LocalKube.Node.Kubelet.Runtime;

namespace LocalKube.Node.Kubelet.Server;

/// <summary>Finds what a streaming or log request names: the pod, its running container, its ready sandbox.</summary>
internal static class KubeletPodLookup
{
    /// <summary>The pod named <paramref name="name"/> in <paramref name="ns"/> (upstream's GetPodByName: the UID is checked by the caller).</summary>
    public static V1Pod? Find(IKubeletPodSource source, string ns, string name) =>
        source.Pods.FirstOrDefault(p => p.Metadata.NamespaceProperty == ns && p.Metadata.Name == name);

    /// <summary>The pod's status: the kubelet's latest, else the API's.</summary>
    public static V1PodStatus Status(IKubeletPodSource source, V1Pod pod) => source.GetStatus(pod.Metadata.Uid) ?? pod.Status ?? new V1PodStatus();

    /// <summary>Whether the spec has a container (regular, init or ephemeral) of that name.</summary>
    public static bool HasContainer(V1Pod pod, string container) =>
        (pod.Spec?.Containers ?? []).Any(c => c.Name == container)
        || (pod.Spec?.InitContainers ?? []).Any(c => c.Name == container)
        || (pod.Spec?.EphemeralContainers ?? []).Any(c => c.Name == container);

    /// <summary>The running container of that name in the pod's newest attempt, or null.</summary>
    public static async Task<ContainerInfo?> RunningContainerAsync(IKubeletPodSource source, V1Pod pod, string container, CancellationToken cancellationToken)
    {
        var containers = await source.Runtime.ListContainersAsync(pod.Metadata.Uid, cancellationToken).ConfigureAwait(false);
        return containers
            .Where(c => c.Metadata.Name == container && c.State == ContainerState.Running)
            .OrderByDescending(c => c.Metadata.Attempt)
            .FirstOrDefault();
    }

    /// <summary>The pod's ready sandbox (its network namespace), or null.</summary>
    public static async Task<PodSandboxStatus?> ReadySandboxAsync(IKubeletPodSource source, V1Pod pod, CancellationToken cancellationToken)
    {
        var sandboxes = await source.Runtime.ListPodSandboxesAsync(pod.Metadata.Uid, cancellationToken).ConfigureAwait(false);
        return sandboxes.Where(s => s.State == PodSandboxState.Ready).OrderByDescending(s => s.CreatedAt).FirstOrDefault();
    }

    /// <summary>The runtime's ID from a status's <c>docker://ID</c>.</summary>
    public static string RuntimeId(string containerId)
    {
        var scheme = containerId.IndexOf("://", StringComparison.Ordinal);
        return scheme < 0 ? containerId : containerId[(scheme + 3)..];
    }
}
