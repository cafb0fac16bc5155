using System.Globalization;
using LocalKube.Node.Kubelet.Runtime;

namespace LocalKube.Node.Kubelet.Status;

/// <summary>
/// Everything the runtime holds for one pod (upstream's <c>kubecontainer.PodStatus</c>): its sandboxes and containers,
/// newest first, with the termination messages already read.
/// </summary>
public sealed class PodRuntimeStatus
{
    /// <summary>Creates the status; the lists are sorted newest first here.</summary>
    public PodRuntimeStatus(string uid, IEnumerable<PodSandboxStatus> sandboxes, IEnumerable<ContainerStatusInfo> containers)
    {
        Uid = uid;
        Sandboxes = sandboxes.OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Metadata.Attempt).ToList();
        Containers = containers.OrderByDescending(c => c.CreatedAt).ThenByDescending(RestartCountOf).ToList();
    }

    /// <summary>An empty status (nothing created yet).</summary>
    public static PodRuntimeStatus Empty(string uid) => new(uid, [], []);

    /// <summary>The pod UID.</summary>
    public string Uid { get; }

    /// <summary>Sandboxes, newest first.</summary>
    public IReadOnlyList<PodSandboxStatus> Sandboxes { get; }

    /// <summary>Containers, newest first.</summary>
    public IReadOnlyList<ContainerStatusInfo> Containers { get; }

    /// <summary>The pod IPs: those of the newest sandbox when it is ready.</summary>
    public IReadOnlyList<string> Ips =>
        Sandboxes.Count > 0 && Sandboxes[0].State == PodSandboxState.Ready && Sandboxes[0].Ip.Length > 0 ? [Sandboxes[0].Ip] : [];

    /// <summary>The newest instance of the container named <paramref name="name"/>.</summary>
    public ContainerStatusInfo? Find(string name) => Containers.FirstOrDefault(c => c.Metadata.Name == name);

    /// <summary>A container's restart count: its annotation, else its attempt.</summary>
    public static int RestartCountOf(ContainerStatusInfo container)
    {
        ArgumentNullException.ThrowIfNull(container);
        return container.Annotations.TryGetValue(KubernetesLabels.ContainerRestartCount, out var text)
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : container.Metadata.Attempt;
    }
}
