namespace LocalKube.Abstractions.Node;

/// <summary>
/// Who a node component is to the API server: the user name and groups of its client certificate, and the file
/// names of that certificate in the node's <c>--cert-dir</c>. The CLI issues one certificate per identity (signed
/// by the profile CA, whose key stays on the host) and the agent loads them; both sides read this one definition,
/// so the names cannot drift apart.
/// </summary>
/// <param name="Name">
/// The component's client name: the certificate's file name stem and the product of its User-Agent, which the API
/// server records as the field manager of its writes (upstream's <c>kube-scheduler</c>, <c>kubelet</c>, ...).
/// </param>
/// <param name="UserName">The certificate's common name, e.g. <c>system:kube-scheduler</c>.</param>
/// <param name="Groups">The certificate's organizations, e.g. <c>system:nodes</c>.</param>
public sealed record ComponentIdentity(string Name, string UserName, IReadOnlyList<string> Groups)
{
    /// <summary>The group every node identity belongs to.</summary>
    public const string NodesGroup = "system:nodes";

    /// <summary>The user name prefix of node identities.</summary>
    public const string NodeUserPrefix = "system:node:";

    /// <summary>The scheduler: <c>system:kube-scheduler</c>.</summary>
    public static ComponentIdentity Scheduler { get; } = new("kube-scheduler", "system:kube-scheduler", []);

    /// <summary>
    /// The controller manager: <c>system:kube-controller-manager</c>. Each controller then acts as its own service
    /// account in kube-system, as upstream's <c>--use-service-account-credentials</c>.
    /// </summary>
    public static ComponentIdentity ControllerManager { get; } = new("kube-controller-manager", "system:kube-controller-manager", []);

    /// <summary>The service proxy: <c>system:kube-proxy</c>.</summary>
    public static ComponentIdentity Proxy { get; } = new("kube-proxy", "system:kube-proxy", []);

    /// <summary>
    /// The API server as a client of the kubelets' API (exec, logs, port-forward, node proxy):
    /// <c>kube-apiserver-kubelet-client</c>, bound to <c>system:kubelet-api-admin</c>.
    /// </summary>
    public static ComponentIdentity ApiServerKubeletClient { get; } = new("apiserver-kubelet-client", "kube-apiserver-kubelet-client", []);

    /// <summary>The certificate file in the cert folder, e.g. <c>kube-scheduler.crt</c>.</summary>
    public string CertificateFile => Name + ".crt";

    /// <summary>The key file in the cert folder, e.g. <c>kube-scheduler.key</c>.</summary>
    public string KeyFile => Name + ".key";

    /// <summary>The kubelet of <paramref name="nodeName"/>: <c>system:node:&lt;node&gt;</c> in <c>system:nodes</c>.</summary>
    public static ComponentIdentity Kubelet(string nodeName)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        return new ComponentIdentity("kubelet", NodeUserPrefix + nodeName, [NodesGroup]);
    }

    /// <summary>Every identity a node of <paramref name="nodeName"/> needs, in a stable order.</summary>
    public static IReadOnlyList<ComponentIdentity> ForNode(string nodeName) =>
        [Kubelet(nodeName), Scheduler, ControllerManager, Proxy, ApiServerKubeletClient];

    /// <summary>
    /// The kubelet API's serving certificate of <paramref name="nodeName"/> (<c>kubelet-server.crt</c>, CN
    /// <c>system:node:&lt;node&gt;</c>, server auth, the node's names and addresses as SANs).
    /// </summary>
    public static ComponentIdentity KubeletServing(string nodeName)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        return new ComponentIdentity("kubelet-server", NodeUserPrefix + nodeName, [NodesGroup]);
    }
}
