namespace LocalKube.Node.Kubelet.Pods;

/// <summary>Annotations of static and mirror pods (<c>k8s: pkg/kubelet/types/pod_update.go</c>).</summary>
internal static class MirrorPods
{
    /// <summary>On a mirror pod: the static pod's config hash (its UID).</summary>
    public const string MirrorAnnotation = "kubernetes.io/config.mirror";

    /// <summary>On a static pod: the hash of its manifest.</summary>
    public const string HashAnnotation = "kubernetes.io/config.hash";

    /// <summary>On a static pod: when the kubelet first saw it.</summary>
    public const string SeenAnnotation = "kubernetes.io/config.seen";
}
