namespace LocalKube.Node.Kubelet.Runtime;

/// <summary>
/// The labels and annotations the kubelet puts on every sandbox and container (<c>k8s: kuberuntime/labels.go</c>),
/// from which it rebuilds a pod's state after a restart.
/// </summary>
public static class KubernetesLabels
{
    /// <summary>The pod's name.</summary>
    public const string PodName = "io.kubernetes.pod.name";

    /// <summary>The pod's namespace.</summary>
    public const string PodNamespace = "io.kubernetes.pod.namespace";

    /// <summary>The pod's UID.</summary>
    public const string PodUid = "io.kubernetes.pod.uid";

    /// <summary>The container's name in the pod (<c>POD</c> on the sandbox).</summary>
    public const string ContainerName = "io.kubernetes.container.name";

    /// <summary>The container name the sandbox carries.</summary>
    public const string SandboxContainerName = "POD";

    /// <summary>Annotation: hash of the container spec (a change restarts the container).</summary>
    public const string ContainerHash = "io.kubernetes.container.hash";

    /// <summary>Annotation: the container's restart count (its attempt).</summary>
    public const string ContainerRestartCount = "io.kubernetes.container.restartCount";

    /// <summary>Annotation: the termination message path.</summary>
    public const string TerminationMessagePath = "io.kubernetes.container.terminationMessagePath";

    /// <summary>Annotation: the termination message policy.</summary>
    public const string TerminationMessagePolicy = "io.kubernetes.container.terminationMessagePolicy";

    /// <summary>Annotation: the preStop handler as JSON, so an orphan can be stopped as its pod asked.</summary>
    public const string PreStopHandler = "io.kubernetes.container.preStopHandler";

    /// <summary>Annotation: the container ports as JSON.</summary>
    public const string ContainerPorts = "io.kubernetes.container.ports";

    /// <summary>Annotation: the pod's termination grace period in seconds.</summary>
    public const string PodTerminationGracePeriod = "io.kubernetes.pod.terminationGracePeriod";

    /// <summary>Annotation (LocalKube): the host file that receives the termination message.</summary>
    public const string TerminationMessageHostPath = "io.localkube.container.terminationMessageHostPath";

    /// <summary>Annotation (LocalKube): <c>init</c>, <c>sidecar</c> or <c>container</c>.</summary>
    public const string ContainerType = "io.localkube.container.type";

    /// <summary>Annotation on a sandbox: the pod's <c>kubernetes.io/config.source</c> (<c>api</c> or <c>file</c>).</summary>
    public const string ConfigSource = "kubernetes.io/config.source";
}
