namespace LocalKube.Node.Hosting;

/// <summary>
/// Identifies one component hosted by the node agent. A string id rather than an enum so that later issues (and
/// tests) can add components without editing a central list; the well-known ones are static properties.
/// </summary>
/// <param name="Name">Lower-case id, also the check name in <c>/readyz?verbose</c> and the <c>--extra-config</c> prefix.</param>
public readonly record struct NodeComponent(string Name)
{
    /// <summary>The embedded etcd-compatible store.</summary>
    public static NodeComponent Storage { get; } = new("storage");

    /// <summary>The Kubernetes-compatible API server (Kestrel).</summary>
    public static NodeComponent ApiServer { get; } = new("apiserver");

    /// <summary>The pod scheduler.</summary>
    public static NodeComponent Scheduler { get; } = new("scheduler");

    /// <summary>The controller manager.</summary>
    public static NodeComponent Controllers { get; } = new("controllers");

    /// <summary>The node's Docker Engine, as seen by the kubelet.</summary>
    public static NodeComponent ContainerRuntime { get; } = new("container-runtime");

    /// <summary>The kubelet.</summary>
    public static NodeComponent Kubelet { get; } = new("kubelet");

    /// <summary>The service proxy.</summary>
    public static NodeComponent Proxy { get; } = new("proxy");

    /// <summary>Cluster DNS.</summary>
    public static NodeComponent Dns { get; } = new("dns");

    /// <summary>The agent itself: the prefix for agent-wide <c>--extra-config</c> settings.</summary>
    public static NodeComponent Agent { get; } = new("agent");

    /// <inheritdoc />
    public override string ToString() => Name;
}
