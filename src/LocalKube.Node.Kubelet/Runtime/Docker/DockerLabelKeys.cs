namespace LocalKube.Node.Kubelet.Runtime.Docker;

/// <summary>The labels cri-dockerd adds on top of the kubelet's (<c>crid: core/helpers.go</c>).</summary>
public static class DockerLabelKeys
{
    /// <summary><c>podsandbox</c> or <c>container</c>.</summary>
    public const string Type = "io.kubernetes.docker.type";

    /// <summary>The value of <see cref="Type"/> on sandboxes.</summary>
    public const string TypeSandbox = "podsandbox";

    /// <summary>The value of <see cref="Type"/> on containers.</summary>
    public const string TypeContainer = "container";

    /// <summary>The sandbox a container joined.</summary>
    public const string SandboxId = "io.kubernetes.sandbox.id";

    /// <summary>The kubelet's log path for the container.</summary>
    public const string LogPath = "io.kubernetes.container.logpath";

    /// <summary>CRI annotations are stored as labels with this prefix.</summary>
    public const string AnnotationPrefix = "annotation.";
}
